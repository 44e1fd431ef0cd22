-- POST a streaming chat completion (200 SSE frames) to the Python peer (benchmarks/python_peer.py).
-- wrk -t2 -c64 -d6s -s benchmarks/wrk/post_stream.lua http://127.0.0.1:PORT/v1/chat/completions
wrk.method = "POST"
wrk.body = '{"model":"bench-stream","messages":[{"role":"user","content":"hi"}],"stream":true}'
wrk.headers["Content-Type"] = "application/json"
