dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "common.lua")
-- 10,000 handoffs over 50 ventures, then stop (run with one thread: the counter lives in that thread's Lua state).
local sent = 0
request = function()
  sent = sent + 1
  if sent > 10000 then wrk.thread:stop() end
  local v = sent % 50
  return wrk.format(nil, "/v1/handoffs", nil,
    string.format('{"venture":"v%02d","repo":"repo%02d","from_agent":"seed","summary":"Seed handoff %d","status":"done","accomplished":["seeded"]}', v, v, sent))
end
