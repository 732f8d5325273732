-- wrk script for the ingest benchmark (bench/run-ingest.sh): signed Twilio webhooks prepared beforehand by
-- `BalcaoVirtual.Bench webhook-requests`, one per line ("<X-Twilio-Signature>\t<form body>"), in the file named by
-- BALCAO_WRK_REQUESTS. Thread i of n takes lines i, i+n, ...: no request is sent twice while the file lasts (each has
-- its own MessageSid). BALCAO_WRK_DELAY_MS, when set, is a pause per connection between requests (the paced run).
-- At the end it prints what the bench reads, per thread: "balcao: thread=<i> sent=<n> lines=<n> answered=<n>
-- failed=<k,...>" (the positions, among the answers, of those that were not 200). With one connection per thread
-- (-t equal to -c) the answers come in the order sent, so the bench knows which requests were acknowledged.

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  thread:set("count", tonumber(os.getenv("BALCAO_WRK_THREADS")))
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  local line_no = 0
  for line in io.lines(os.getenv("BALCAO_WRK_REQUESTS")) do
    if line_no % count == index then
      local tab = line:find("\t", 1, true)
      requests[#requests + 1] = wrk.format("POST", "/webhooks/twilio", {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Twilio-Signature"] = line:sub(1, tab - 1),
      }, line:sub(tab + 1))
    end
    line_no = line_no + 1
  end
  lines = #requests
  pause = tonumber(os.getenv("BALCAO_WRK_DELAY_MS") or "0")
  sent, answered, failed = 0, 0, ""
end

function request()
  sent = sent + 1
  return requests[((sent - 1) % #requests) + 1]
end

function delay()
  return pause
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 then failed = failed .. answered .. "," end
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    io.write(string.format("balcao: thread=%d sent=%d lines=%d answered=%d failed=%s\n", thread:get("index"),
      thread:get("sent"), thread:get("lines"), thread:get("answered"), thread:get("failed")))
  end
end
