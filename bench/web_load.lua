-- wrk script for bench/web_load.sh. WRK_PATHS (comma-separated) are the paths to request: one
-- path is sent as wrk's own static request (no Lua per request); several are sent in turn by
-- each connection, as a browser's first visit loads them. Headers come from wrk's -H.
-- done() prints one line:
--   RESULT rps=... requests=... bytes=... p50_ms=... p99_ms=... max_ms=... status=... connect=...
--          read=... write=... timeout=...
-- where status counts answers with a status of 400 or more (wrk's count of bad statuses).
local paths = {}
for p in string.gmatch(os.getenv("WRK_PATHS") or "/", "[^,]+") do paths[#paths + 1] = p end

if #paths > 1 then
  local reqs = {}
  local i = 0
  function init(args)
    for k, p in ipairs(paths) do reqs[k] = wrk.format("GET", p) end
  end
  function request()
    i = i % #reqs + 1
    return reqs[i]
  end
else
  wrk.path = paths[1]
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f requests=%d bytes=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f status=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests / secs, summary.requests, summary.bytes, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.status, e.connect, e.read, e.write, e.timeout))
end
