-- wrk script: POST one view per request with a browser User-Agent, and count the 202s
-- across threads so the benchmark can check them against the stored total.
wrk.method = "POST"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    accepted = 0
    other = 0
end

function response(status, headers, body)
    if status == 202 then
        accepted = accepted + 1
    else
        other = other + 1
    end
end

function done(summary, latency, requests)
    local total_accepted, total_other = 0, 0
    for _, thread in ipairs(threads) do
        total_accepted = total_accepted + thread:get("accepted")
        total_other = total_other + thread:get("other")
    end
    io.write(string.format("ACCEPTED %d\nOTHER %d\n", total_accepted, total_other))
end
