-- decision.lua -- approvals, each of another application, all against
-- one program's budget. Arguments after --: id file, thread count, the
-- agency's token. The ids are dealt out in blocks, one a thread, so no
-- two requests decide the same application.

local threads = {}

function setup(thread)
	thread:set("tid", #threads)
	table.insert(threads, thread)
end

function init(args)
	local file, nthreads = args[1], tonumber(args[2])
	local ids = {}

	for line in io.lines(file) do
		if line ~= "" then
			table.insert(ids, line)
		end
	end
	local per = math.floor(#ids / nthreads)
	mine, nextid, last = ids, tid * per + 1, (tid + 1) * per
	body = '{"decision": "approved", "amount_approved_vnd": 1000}'
	hdr = { ["Content-Type"] = "application/json",
		["Authorization"] = "Bearer " .. args[3] }
end

function request()
	local id = mine[nextid]

	assert(nextid <= last, "out of applications: raise BENCH_APPS")
	nextid = nextid + 1
	return wrk.format("POST", "/api/v1/funding-applications/" .. id ..
	    "/decision", hdr, body)
end
