-- wrk script: each request searches for the next query of the benchmark's query log,
-- as a member of staff (bearer token), so every search carries the permission filter.
-- SIGNPOST_QUERIES names the query file, SIGNPOST_TOKEN holds the token; SIGNPOST_EXTRA
-- is added to every query string (e.g. "&facets=true").
local queries = {}
for line in io.lines(os.getenv("SIGNPOST_QUERIES")) do
  if #line > 0 then queries[#queries + 1] = line end
end
local auth = { ["Authorization"] = "Bearer " .. os.getenv("SIGNPOST_TOKEN") }
local extra = os.getenv("SIGNPOST_EXTRA") or ""
local next_query = 0
local thread_count = 0

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function setup(thread)
  -- Threads start at different places in the log.
  thread:set("next_query", thread_count * 997)
  thread_count = thread_count + 1
end

function request()
  next_query = next_query + 1
  local q = queries[(next_query % #queries) + 1]
  return wrk.format("GET", "/api/v1/search?q=" .. encode(q) .. extra, auth)
end
