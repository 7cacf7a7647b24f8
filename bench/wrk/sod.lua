dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "common.lua")
-- The main bench's SOD mix: 200 agents over 50 ventures, new and resumed sessions.
local n = 0
request = function()
  n = n + 1
  local v = n % 50
  return wrk.format(nil, "/v1/sod", nil, string.format('{"agent":"sod-agent-%d","venture":"v%02d","repo":"repo%02d","branch":"main"}', n % 200, v, v))
end
