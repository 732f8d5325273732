-- wrk script for the ingest benchmark (bench/run-ingest.sh): signed Twilio webhooks the webhook bench wrote
-- beforehand (WrkRun.WriteRequestsAsync), one per line ("<X-Twilio-Signature>\t<form body>"). The bench splits its
-- file per thread beforehand: thread i of n reads "<BALCAO_WRK_REQUESTS>.<i>" (lines i, i+n, ... of the whole), so no
-- request is sent twice while the file lasts (each has its own MessageSid). A thread reads its file on its first
-- request (thread 0's on wrk's main thread, when wrk checks the script before starting any thread; the others in their
-- own thread): wrk runs init() for one thread after another on its main thread while the threads already started are
-- sending, and a whole file read there per thread took cores from the run being measured.
-- BALCAO_WRK_DELAY_MS, when set, is a pause per connection between requests (the paced run).
-- At the end it prints what the bench reads, per thread: "balcao: thread=<i> sent=<n> lines=<n> answered=<n>
-- failed=<k,...>" (the positions, among the answers, of those that were not 200). With one connection per thread
-- (-t equal to -c) the answers come in the order sent, so the bench knows which requests were acknowledged.

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  requests = nil
  lines = 0
  pause = tonumber(os.getenv("BALCAO_WRK_DELAY_MS") or "0")
  sent, answered, failed = 0, 0, ""
end

local function load()
  requests = {}
  for line in io.lines(os.getenv("BALCAO_WRK_REQUESTS") .. "." .. index) do
    local tab = line:find("\t", 1, true)
    requests[#requests + 1] = wrk.format("POST", "/webhooks/twilio", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Twilio-Signature"] = line:sub(1, tab - 1),
    }, line:sub(tab + 1))
  end
  lines = #requests
end

function request()
  if requests == nil then load() end
  sent = sent + 1
  return requests[((sent - 1) % lines) + 1]
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
