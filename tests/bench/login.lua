-- login.lua -- the login storm: POST /api/v1/sessions with the right
-- password, each thread cycling over its own share of the storm accounts
-- (five logins in flight for one email would be throttled with 429), and
-- counting every answer that is not 201.
-- Arguments after --: email prefix, account count, password, thread count.

local threads = {}

function setup(thread)
	thread:set("tid", #threads)
	table.insert(threads, thread)
end

function init(args)
	local prefix, count, password = args[1], tonumber(args[2]), args[3]
	local nthreads = tonumber(args[4])
	local headers = { ["Content-Type"] = "application/json" }

	reqs = {}
	for i = tid, count - 1, nthreads do
		local body = string.format(
		    '{"email":"%s%02d@bench.example","password":"%s"}',
		    prefix, i, password)
		table.insert(reqs, wrk.format("POST", "/api/v1/sessions",
		    headers, body))
	end
	created, other, idx = 0, 0, 0
end

function request()
	idx = idx % #reqs + 1
	return reqs[idx]
end

function response(status, headers, body)
	if status == 201 then
		created = created + 1
	else
		other = other + 1
	end
end

function done(summary, latency, requests)
	local c, o = 0, 0
	for _, t in ipairs(threads) do
		c = c + t:get("created")
		o = o + t:get("other")
	end
	io.write(string.format("logins: 201 %d, non-201 %d\n", c, o))
end
