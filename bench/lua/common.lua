-- Shared by every scenario: thread ids, file reading, body templates, and the JSON result.
-- wrk loads a script once in the main state and once per thread; globals set with
-- thread:set() in setup() are visible in that thread's state.
local M = {}

-- BENCH_SPREAD ("host:port,host:port"): thread i talks to instance i mod n, so two instances on
-- one database share the load (and the refresh chains of one thread stay on its instance).
local spread = {}
for hostport in (os.getenv("BENCH_SPREAD") or ""):gmatch("[^,]+") do
  local host, port = hostport:match("^(.+):(%d+)$")
  table.insert(spread, wrk.lookup(host, port)[1])
end

local threads = {}
function M.setup(thread)
  thread:set("id", #threads)
  if #spread > 0 then thread.addr = spread[#threads % #spread + 1] end
  table.insert(threads, thread)
end

function M.nthreads()
  return tonumber(os.getenv("BENCH_THREADS") or "2")
end

-- Lines of a file that belong to this thread (every nthreads-th line, starting at id).
function M.my_lines(path)
  local lines, i = {}, 0
  local f = assert(io.open(path, "r"), "cannot open " .. path)
  for line in f:lines() do
    if line ~= "" then
      if i % M.nthreads() == id then table.insert(lines, line) end
      i = i + 1
    end
  end
  f:close()
  return lines
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- Fills {key} placeholders of a form-body template, URL-encoding each value.
function M.fill(template, values)
  return (template:gsub("{([%w_]+)}", function(k) return urlencode(assert(values[k], "no value for {" .. k .. "}")) end))
end

function M.headers()
  return { ["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/x-www-form-urlencoded" }
end

-- Writes requests, duration, errors and latency percentiles (microseconds) as one JSON object.
function M.done(summary, latency, requests)
  local e = summary.errors
  local out = assert(io.open(os.getenv("BENCH_RESULT"), "w"))
  out:write(string.format(
    '{"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
    .. '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
  out:close()
end

return M
