-- wrk script: POST a login with a new random email on every request (an email spray, as
-- from a credential-stuffing list) and count the answers by status across threads.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

function init(args)
    math.randomseed(os.time() * 100 + id)
    counts = {}
    sent = 0
end

-- Every email differs (thread id, sequence number, a random part), so the per-account
-- limit never applies: only the per-address one and the hashing bound do.
function request()
    sent = sent + 1
    local body = string.format('{"email":"spray%d.%d.%d@example.com","password":"not the password"}',
        id, sent, math.random(1, 1000000000))
    return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
    local key = "s" .. status
    counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
    local totals = {}
    for _, thread in ipairs(threads) do
        for _, status in ipairs({401, 429, 503, 500}) do
            totals[status] = (totals[status] or 0) + (thread:get("counts")["s" .. status] or 0)
        end
    end
    io.write(string.format("STATUS 401=%d 429=%d 503=%d 500=%d\n",
        totals[401], totals[429], totals[503], totals[500]))
end
