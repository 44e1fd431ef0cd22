-- POST a non-streaming chat completion to the Python peer (benchmarks/python_peer.py).
-- wrk -t2 -c64 -d6s -s benchmarks/wrk/post_json.lua http://127.0.0.1:PORT/v1/chat/completions
wrk.method = "POST"
wrk.body = '{"model":"bench-json","messages":[{"role":"user","content":"hi"}]}'
wrk.headers["Content-Type"] = "application/json"
