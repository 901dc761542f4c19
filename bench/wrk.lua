-- wrk script of the benchmark: each request takes the next path of a file (one per line), with the token given;
-- at the end, one JSON line with the requests, the duration and the latency percentiles (microseconds).
local paths = {}
local counter = 0

init = function(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  counter = math.random(#paths)
  if args[2] and args[2] ~= "" then
    wrk.headers["Authorization"] = "Token " .. args[2]
  end
  wrk.headers["Accept-Language"] = "zh-hans"
end

request = function()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"non_2xx_3xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
