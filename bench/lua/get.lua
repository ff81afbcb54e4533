-- A plain GET of BENCH_PATH (the JWKS).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local common = require("common")
setup, done = common.setup, common.done
wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH")
