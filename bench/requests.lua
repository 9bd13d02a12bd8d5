-- wrk script for `make bench` (bench/wrk.py writes the file it reads): sends the requests listed in a file,
-- one per line as METHOD<TAB>PATH<TAB>BODY, with the headers given on HEADER<TAB>Name<TAB>Value lines.
-- Each wrk thread takes every n-th request, in order, and starts again from its first when it runs out; that
-- is reported on a "bench-wrapped:" line, so that a pool of unique answers that ran dry is noticed instead of
-- timing the cheaper "already answered" path.
--   wrk -s bench/requests.lua URL -- FILE THREADS

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local path, count = args[1], tonumber(args[2])
  local headers, mine, index = {}, {}, 0
  for line in io.lines(path) do
    local kind, first, rest = line:match("^(%u+)\t([^\t]*)\t?(.*)$")
    if kind == "HEADER" then
      headers[first] = rest
    elseif kind then
      if index % count == id then
        table.insert(mine, {kind, first, rest})
      end
      index = index + 1
    end
  end
  formatted = {}
  for i, r in ipairs(mine) do
    local h = {}
    for name, value in pairs(headers) do h[name] = value end
    local body = nil
    if r[3] ~= "" then
      body = r[3]
      h["Content-Type"] = "application/x-www-form-urlencoded"
    end
    formatted[i] = wrk.format(r[1], r[2], h, body)
  end
  sent = 0
  wrapped = 0
end

function request()
  sent = sent + 1
  if sent > #formatted then wrapped = 1 end
  return formatted[((sent - 1) % #formatted) + 1]
end

function done(summary, latency, requests)
  local count = 0
  for _, thread in ipairs(threads) do count = count + (thread:get("wrapped") or 0) end
  io.write(string.format("bench-wrapped: %d\n", count))
end
