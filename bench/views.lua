-- wrk script: POST one view per request with a browser User-Agent, each from its own
-- reader's address (X-Forwarded-For; the server trusts one proxy), as a client counts one
-- view per article within VIEW_DEDUP_SECONDS, and count the 202s across threads so the
-- benchmark can check them against the stored total.
wrk.method = "POST"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

function init(args)
    accepted = 0
    other = 0
    sent = 0
end

-- <10 + thread>.<n as three bytes>: distinct for the first 16.7 million requests of each
-- thread, far more than a benchmark run sends.
function request()
    sent = sent + 1
    return wrk.format(nil, nil, { ["User-Agent"] = wrk.headers["User-Agent"], ["X-Forwarded-For"] = reader(id, sent) })
end

function reader(thread, n)
    return string.format("%d.%d.%d.%d", 10 + thread, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
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
