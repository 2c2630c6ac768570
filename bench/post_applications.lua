-- wrk script: POST the contract's two examples alternately, each with a fresh external_ref and
-- document number, so every request creates and durably stores a new applicant (reusing one
-- passport for every request would measure the reuse evidence of a 100,000-fold forged document).
-- usage: TOKEN=... EXAMPLES=../shared/contract/examples wrk -s bench/post_applications.lua URL
local examples = os.getenv("EXAMPLES") or "../shared/contract/examples"
local token = os.getenv("TOKEN")
local bodies = {}
for i, name in ipairs({"clean-us-applicant.json", "suspicious-applicant.json"}) do
  local f = assert(io.open(examples .. "/" .. name, "r"))
  bodies[i] = f:read("*a")
  f:close()
end
local counter = 0
local thread_id = 0

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

function request()
  counter = counter + 1
  local body = bodies[(counter % 2) + 1]
  local ref = string.format("wrk-%d-%d-%d", os.time(), thread_id, counter)
  body = body:gsub('"external_ref"%s*:%s*"[^"]*"', '"external_ref": "' .. ref .. '"', 1)
  body = body:gsub('"number"%s*:%s*"[^"]*"', '"number": "D' .. ref:gsub("%W", "") .. '"', 1)
  return wrk.format("POST", "/v1/applications", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
