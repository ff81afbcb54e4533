-- POSTs a body made from agent credentials (BENCH_AGENTS: "name secret" lines).
-- BENCH_MODE=once: each agent is used once, then the thread stops (first-time logins);
-- BENCH_MODE=repeat: the first BENCH_REPEAT agents again and again (cached secrets).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local common = require("common")
setup, done = common.setup, common.done

local agents, next_agent, once = {}, 1, os.getenv("BENCH_MODE") == "once"

function init(args)
  local lines = common.my_lines(os.getenv("BENCH_AGENTS"))
  local limit = once and #lines or math.min(#lines, tonumber(os.getenv("BENCH_REPEAT") or "4"))
  for i = 1, limit do
    local name, secret = lines[i]:match("^(%S+)%s+(%S+)")
    table.insert(agents, common.fill(os.getenv("BENCH_BODY"), { name = name, secret = secret }))
  end
  if #agents == 0 then error("thread " .. id .. " has no agents") end
end

function request()
  if next_agent > #agents then
    if once then
      wrk.thread:stop() -- every agent of this thread has logged in once
    end
    next_agent = 1
  end
  local body = agents[next_agent]
  next_agent = next_agent + 1
  return wrk.format("POST", os.getenv("BENCH_PATH"), common.headers(), body)
end
