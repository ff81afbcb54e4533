-- Rotating refresh with DPoP: as refresh.lua, and every request carries the next unused proof
-- of this thread's share of BENCH_PROOFS (signed ahead of the window by bench/dpop/DpopChains.java,
-- since wrk cannot sign; the sessions are bound to that key). When the proofs run out, requests
-- go without one and the server refuses them (counted as errors).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local common = require("common")
setup, done = common.setup, common.done

local pool, proofs = {}, {}

function init(args)
  pool = common.my_lines(os.getenv("BENCH_TOKENS"))
  proofs = common.my_lines(os.getenv("BENCH_PROOFS"))
end

function request()
  local token = table.remove(pool) or "chain-broken"
  local headers = common.headers()
  headers["DPoP"] = table.remove(proofs) or "out-of-proofs"
  return wrk.format("POST", "/refresh", headers, common.fill("refresh_token={refresh_token}", { refresh_token = token }))
end

function response(status, headers, body)
  local next_token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if next_token then table.insert(pool, next_token) end
end
