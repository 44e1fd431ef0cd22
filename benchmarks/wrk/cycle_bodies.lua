-- POST request bodies in turn, each exactly as recorded, from a data file that returns a Lua list of
-- strings (benchmarks/run writes it for the `curves` section). Each wrk thread formats every request
-- once at start and starts at its own place in the list.
-- wrk -t2 -c64 -d8s -s benchmarks/wrk/cycle_bodies.lua http://127.0.0.1:PORT/api/v1/chat/completions -- BODIES.lua
local requests, count, position = {}, 0, 0
local threads = 0

function setup(thread)
  -- runs in the main script state, once per thread: each thread learns its number
  thread:set("thread_number", threads)
  threads = threads + 1
end

function init(args)
  local bodies = dofile(args[1])
  for i, body in ipairs(bodies) do
    -- a fresh header table per request: wrk.format writes Host and Content-Length into the table it is given
    requests[i] = wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
  end
  count = #requests
  position = (thread_number or 0) * math.floor(count / 2) % count
end

function request()
  position = position % count + 1
  return requests[position]
end
