-- wrk script for bench/churn.sh: POSTs views with a browser User-Agent, spread in turn over
-- the article ids given as arguments. wrk has no rate limit (no -R); instead each
-- connection pauses `pause` ms (the first argument) after every answer, so that the rate
-- is set by the number of connections, which bench/churn.sh calibrates. Prints how many
-- views were answered 202 and how many otherwise.
--
--   wrk -t1 -c8 -d10s -s bench/churn.lua http://127.0.0.1:8080 -- 5 101 102 103 104
wrk.method = "POST"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

function init(args)
    pause = tonumber(args[1]) or 0
    paths = {}
    for i = 2, #args do
        paths[#paths + 1] = "/api/v1/articles/" .. args[i] .. "/views"
    end
    sent, accepted, other = 0, 0, 0
end

-- Each view from its own reader's address (X-Forwarded-For; the server trusts one proxy),
-- so that every view counts: a client counts one per article within VIEW_DEDUP_SECONDS.
function request()
    sent = sent + 1
    local reader = string.format("%d.%d.%d.%d", 10 + id, math.floor(sent / 65536) % 256, math.floor(sent / 256) % 256, sent % 256)
    return wrk.format(nil, paths[sent % #paths + 1], { ["User-Agent"] = wrk.headers["User-Agent"], ["X-Forwarded-For"] = reader })
end

function delay()
    return pause
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
