-- Conditional GETs of the revocation list (If-None-Match is given with -H): counts the answers
-- by status, so the rate measured is the rate of 304s.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_modified, other = 0, 0
end

function response(status, headers, body)
  if status == 304 then not_modified = not_modified + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do
    a, b = a + t:get("not_modified"), b + t:get("other")
  end
  io.write(string.format("answers: %d x 304, %d other\n", a, b))
end
