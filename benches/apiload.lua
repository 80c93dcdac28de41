-- wrk script for benches/apiload.sh: each connection cycles through ten
-- queries of /api/search (words, a phrase, a clause number, an id, two
-- words typed as you go, a field, a misspelling), starting at a different
-- one per connection; prints p50/p99 and the non-200 answers at the end.
local queries = {
  "incident", "change", "supplier", "4.3.2", "SMS-PRO-007",
  "problem+management", "capacity", "%22internal+audit%22", "kind%3Aprocedure+review", "managment",
}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  n = id * 7
  bad = 0
end

function request()
  n = n + 1
  return wrk.format("GET", "/api/search?q=" .. queries[(n % #queries) + 1])
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d non200=%d socket_errors=%d p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f rps=%.0f\n",
    summary.requests, summary.errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests / (summary.duration / 1e6)))
end
