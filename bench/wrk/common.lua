-- Shared by the wrk scripts: JSON POSTs with the admin key from BATON_BENCH_KEY.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BATON_BENCH_KEY")
