-- wrk script: replay a file of prepared requests, one per line:
--   METHOD <TAB> PATH <TAB> AUTHORIZATION (or empty) <TAB> BODY (or empty)
-- Environment: KINERJA_BENCH_REQUESTS (the file), KINERJA_BENCH_THREADS (wrk's -t),
-- KINERJA_BENCH_ONCE=1 (each request is sent once, then the thread stops),
-- KINERJA_BENCH_EXPECT (a text every answer must contain; others count as failures).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } kinerja_timespec;
  int clock_gettime(int clock, kinerja_timespec *tp);
]]
local clock = ffi.new("kinerja_timespec")

-- Monotonic seconds: wrk's own duration includes the idle wait after a thread stops.
local function now()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local requests = {}
local index, step, sent = 0, 1, 0
local once, expect = false, nil
local exhausted = false
local idle = nil
failures = 0
answered = 0
first_at = 0
last_at = 0

function init(args)
  local file = os.getenv("KINERJA_BENCH_REQUESTS")
  once = os.getenv("KINERJA_BENCH_ONCE") == "1"
  expect = os.getenv("KINERJA_BENCH_EXPECT")
  if expect == "" then expect = nil end
  step = tonumber(os.getenv("KINERJA_BENCH_THREADS") or "1")
  for line in io.lines(file) do
    local method, path, auth, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
    if auth ~= "" then headers["Authorization"] = auth end
    if body == "" then body = nil end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
  idle = wrk.format("GET", "/healthz")
  index = id
end

function request()
  if index >= #requests then
    if once then
      -- Every prepared request was sent: stop, and never send one twice; the marker tells
      -- bench/wrk.py this thread is done, so it need not wait out wrk's -d.
      if not exhausted then
        local marker = io.open(os.getenv("KINERJA_BENCH_REQUESTS") .. ".done." .. id, "w")
        if marker then marker:close() end
      end
      exhausted = true
      wrk.thread:stop()
      return idle
    end
    index = index % #requests
  end
  if first_at == 0 then first_at = now() end
  local r = requests[index + 1]
  index = index + step
  sent = sent + 1
  return r
end

function response(status, headers, body)
  if exhausted then return end
  answered = answered + 1
  last_at = now()
  if status ~= 200 or (expect ~= nil and not string.find(body, expect, 1, true)) then
    failures = failures + 1
  end
end

function done(summary, latency, requests_done)
  local failed, got, started, ended = 0, 0, nil, 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
    got = got + thread:get("answered")
    local first, last = thread:get("first_at"), thread:get("last_at")
    if first > 0 and (started == nil or first < started) then started = first end
    if last > ended then ended = last end
  end
  local busy_us = started and (ended - started) * 1e6 or 0
  io.write(string.format(
    "kinerja-bench requests=%d duration_us=%d answered=%d failures=%d p50_us=%d p99_us=%d\n",
    summary.requests, math.floor(busy_us), got, failed,
    latency:percentile(50), latency:percentile(99)))
end
