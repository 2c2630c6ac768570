-- wrk script: POST a realistic mix of applications, each one new to the database.
--
-- The bodies come from `vetgate-dev generate --jsonl` (one JSON application per line: applicants of
-- 30 countries, immigrants, fintech and crypto payouts, a laptop-farm member every 50th), so the
-- link index sees real hits and misses rather than one identity repeated. Thread k of n sends lines
-- k, k+n, k+2n, … so no two requests carry the same application; when a thread runs out of lines it
-- starts again with a fresh external_ref (a re-submission under a new reference).
--
-- usage: TOKEN=... BODIES=/tmp/mix.jsonl WRK_THREADS=2 wrk -t2 -c64 -d10s --latency -s bench/post_mix.lua URL
local path = os.getenv("BODIES") or "/tmp/mix.jsonl"
local token = os.getenv("TOKEN")
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

local bodies = nil
local position = 0
local round = 0

local function load()
  bodies = {}
  local n = tonumber(os.getenv("WRK_THREADS") or "2")
  local i = 0
  for line in io.lines(path) do
    if i % n == thread_id then
      bodies[#bodies + 1] = line
    end
    i = i + 1
  end
  assert(#bodies > 0, "no bodies in " .. path)
end

function request()
  if bodies == nil then load() end
  position = position + 1
  if position > #bodies then
    position = 1
    round = round + 1
  end
  local body = bodies[position]
  if round > 0 then
    body = body:gsub('"external_ref"%s*:%s*"([^"]*)"', '"external_ref":"%1-r' .. round .. '"', 1)
  end
  return wrk.format("POST", "/v1/applications", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
