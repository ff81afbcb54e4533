-- Rotating refresh: each token is used once and its successor from the answer goes back into
-- this thread's pool, so every connection follows its own chain (BENCH_TOKENS: one refresh
-- token per line, obtained before the timed window). A refused token ends that chain and is
-- counted as an error by wrk (non-2xx).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local common = require("common")
setup, done = common.setup, common.done

local pool, field = {}, os.getenv("BENCH_FIELD") or "refresh_token"

function init(args)
  pool = common.my_lines(os.getenv("BENCH_TOKENS"))
end

function request()
  local token = table.remove(pool) or "chain-broken"
  return wrk.format("POST", os.getenv("BENCH_PATH"), common.headers(),
    common.fill(os.getenv("BENCH_BODY"), { refresh_token = token }))
end

function response(status, headers, body)
  local next_token = body:match('"' .. field .. '"%s*:%s*"([^"]+)"')
  if next_token then table.insert(pool, next_token) end
end
