-- wrk script for bench/community.sh.
--   TRIBU_COOKIE  optional Cookie header (a logged-in member's session)
--   TRIBU_PATHS   optional paths separated by '|', requested in turn (e.g. search queries); default: the URL's path
-- Prints requests/s, the latency percentiles wrk's --latency omits (p95) and the error counts, on one line.
local cookie = os.getenv("TRIBU_COOKIE")
local paths = {}
for path in string.gmatch(os.getenv("TRIBU_PATHS") or "", "[^|]+") do
  table.insert(paths, path)
end
if cookie and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

local counter = 0
request = function()
  if #paths == 0 then
    return wrk.format(nil)
  end
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1])
end

done = function(summary, latency, requests)
  local ms = function(us) return string.format("%.1f", us / 1000) end
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.0f requests=%d p50=%s p90=%s p95=%s p99=%s max=%s non2xx=%d socket_errors=%d\n",
    summary.requests / seconds, summary.requests,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(95)), ms(latency:percentile(99)), ms(latency.max),
    summary.errors.status, errors))
end
