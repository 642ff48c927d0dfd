-- The wrk script of bench/api_load.sh (see there and docs/benchmarks.md). One script for every
-- run, so that the baseline and the runs compared with it pay the same client-side Lua cost.
--
--   wrk -t2 -c64 -d60s --latency -s bench/api_mixed.lua http://127.0.0.1:PORT -- MODE
--
-- MODE  health    GET /api/v1/health only: the trivial endpoint, the baseline
--       donation  POST /api/v1/orgs/ORG/donations only: recording a donation (durable)
--       mixed     50% POST donations, 30% GET report, 10% GET statistics,
--                 10% GET /log/ORG/checkpoint
--       consultation  POST /api/v1/orgs/ORG/consultations only: the hotline logging a
--                 consultation (durable), as a hotline operator (AMANAT_TOKEN)
--
-- Environment: AMANAT_TOKEN  bearer token of an accountant (donation, mixed)
--              AMANAT_ORG    the organisation's slug (default demo)
--              AMANAT_FUNDS  comma-separated funds open for donations (default general)
--
-- Every response that is not 2xx is counted (wrk itself counts only >= 400), and done() prints
-- one machine-readable line (latencies in milliseconds):
--   RESULT mode=M requests=N seconds=S rps=R p50_ms=.. p90_ms=.. p99_ms=.. max_ms=.. non2xx=N
--          connect=N read=N write=N timeout=N receipts=N sent_donation=N sent_report=N ...
-- receipts: responses that carried a receipt code (donations acknowledged as booked), or in
-- consultation mode a consultation's number (consultations acknowledged as logged).

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

-- Per thread (each wrk thread has its own Lua state).
mode = "health"
non2xx = 0
receipts = 0
statuses = {}
sent = { donation = 0, report = 0, statistics = 0, checkpoint = 0, health = 0, consultation = 0 }

local org, funds, don_headers
local req_health, req_report, req_statistics, req_checkpoint
local channels = { "card", "mobile", "bank", "cash" }

function init(args)
  mode = args[1] or "health"
  if mode ~= "health" and mode ~= "donation" and mode ~= "mixed" and mode ~= "consultation" then
    error("api_mixed.lua: MODE must be health, donation, mixed or consultation, not " .. tostring(mode))
  end
  org = os.getenv("AMANAT_ORG") or "demo"
  funds = {}
  for f in string.gmatch(os.getenv("AMANAT_FUNDS") or "general", "[^,]+") do
    table.insert(funds, f)
  end
  local token = os.getenv("AMANAT_TOKEN") or ""
  if mode ~= "health" and token == "" then
    error("api_mixed.lua: set AMANAT_TOKEN to an accountant's bearer token")
  end
  don_headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
  math.randomseed(7919 * id)
  req_health = wrk.format("GET", "/api/v1/health", {})
  req_report = wrk.format("GET", "/api/v1/orgs/" .. org .. "/report", {})
  req_statistics = wrk.format("GET", "/api/v1/orgs/" .. org .. "/statistics", {})
  req_checkpoint = wrk.format("GET", "/log/" .. org .. "/checkpoint", {})
end

-- A different amount, donor, channel and fund every time.
-- Today (UTC): a date far from today needs confirming (books/service.h, DateCheck).
local today = os.date("!%Y-%m-%d")

local function donation()
  sent.donation = sent.donation + 1
  local body = string.format(
    '{"date":"%s","amount":%d,"currency":"KZT","channel":"%s","fund":"%s","donor":"phone:+7 701 %03d %02d %02d"}',
    today, 100 * math.random(100, 50000), channels[math.random(#channels)], funds[math.random(#funds)],
    math.random(0, 999), math.random(0, 99), math.random(0, 99))
  return wrk.format("POST", "/api/v1/orgs/" .. org .. "/donations", don_headers, body)
end

-- A consultation as the hotline form sends it, with its lists varied.
local categories = { "rape", "sexual_assault", "physical_assault", "psychological_abuse" }
local regions = { "astana", "almaty_city", "shymkent", "karaganda", "turkistan" }
local function consultation()
  sent.consultation = sent.consultation + 1
  local body = string.format(
    '{"channel":"phone","caller_role":"survivor","category":"%s","region":"%s","age_group":"26-40",' ..
    '"sex":"female","outcome":"advice","referrals":["lawyer"],"consent_stats":true}',
    categories[math.random(#categories)], regions[math.random(#regions)])
  return wrk.format("POST", "/api/v1/orgs/" .. org .. "/consultations", don_headers, body)
end

function request()
  if mode == "consultation" then
    return consultation()
  elseif mode == "health" then
    sent.health = sent.health + 1
    return req_health
  elseif mode == "donation" then
    return donation()
  end
  local r = math.random(100)
  if r <= 50 then
    return donation()
  elseif r <= 80 then
    sent.report = sent.report + 1
    return req_report
  elseif r <= 90 then
    sent.statistics = sent.statistics + 1
    return req_statistics
  end
  sent.checkpoint = sent.checkpoint + 1
  return req_checkpoint
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  elseif status == 201 and body and (string.find(body, '"receipt_code"', 1, true) or
                                      (mode == "consultation" and string.find(body, '"id"', 1, true))) then
    receipts = receipts + 1
  end
end

function done(summary, latency, requests)
  local bad, got = 0, 0
  local by_status, kinds = {}, {}
  local m = "?"
  for _, t in ipairs(threads) do
    m = t:get("mode")
    bad = bad + t:get("non2xx")
    got = got + t:get("receipts")
    for s, n in pairs(t:get("statuses")) do by_status[s] = (by_status[s] or 0) + n end
    for k, n in pairs(t:get("sent")) do kinds[k] = (kinds[k] or 0) + n end
  end
  local secs = summary.duration / 1e6
  local e = summary.errors
  local line = string.format(
    "RESULT mode=%s requests=%d seconds=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "non2xx=%d connect=%d read=%d write=%d timeout=%d receipts=%d",
    m, summary.requests, secs, summary.requests / secs, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    bad, e.connect, e.read, e.write, e.timeout, got)
  for _, k in ipairs({ "health", "donation", "report", "statistics", "checkpoint", "consultation" }) do
    if kinds[k] and kinds[k] > 0 then line = line .. string.format(" sent_%s=%d", k, kinds[k]) end
  end
  for s, n in pairs(by_status) do line = line .. string.format(" status_%d=%d", s, n) end
  io.write(line .. "\n")
end
