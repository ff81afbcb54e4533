-- Requests carrying access tokens (BENCH_TOKENS: one per line), round-robin per thread.
-- BENCH_METHOD=GET: the token as a bearer (GET /me); BENCH_METHOD=POST: the token in the body
-- (introspection), the caller authenticating with BENCH_AUTH as the Authorization header.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local common = require("common")
setup, done = common.setup, common.done

local requests, n = {}, 0

function init(args)
  for _, token in ipairs(common.my_lines(os.getenv("BENCH_TOKENS"))) do
    if os.getenv("BENCH_METHOD") == "POST" then
      local h = common.headers()
      h["Authorization"] = os.getenv("BENCH_AUTH")
      table.insert(requests, wrk.format("POST", os.getenv("BENCH_PATH"), h,
        common.fill(os.getenv("BENCH_BODY"), { token = token })))
    else
      table.insert(requests, wrk.format("GET", os.getenv("BENCH_PATH"), { ["Authorization"] = "Bearer " .. token }))
    end
  end
end

function request()
  n = n % #requests + 1
  return requests[n]
end
