dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "common.lua")
-- 1,000 sessions (distinct agents) over 50 ventures.
local sent = 0
request = function()
  sent = sent + 1
  if sent > 1000 then wrk.thread:stop() end
  local v = sent % 50
  return wrk.format(nil, "/v1/sod", nil, string.format('{"agent":"seed-%d","venture":"v%02d","repo":"repo%02d"}', sent, v, v))
end
