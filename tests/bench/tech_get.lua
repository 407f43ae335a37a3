-- tech_get.lua -- GET a path prefix + a random id per request, the ids
-- read from a file (one a line), the requests built once per thread.
-- Every thread seeds its own generator: LuaJIT's default seed is the
-- same in each, which would send the same sequence twice.
-- Arguments after --: id file, path prefix (e.g. /api/v1/technologies/).

local threads = {}

function setup(thread)
	thread:set("tid", #threads)
	table.insert(threads, thread)
end

function init(args)
	local file, prefix = args[1], args[2]
	local f = assert(io.open(file, "r"))

	reqs = {}
	for line in f:lines() do
		if line ~= "" then
			table.insert(reqs, wrk.format("GET", prefix .. line))
		end
	end
	f:close()
	assert(#reqs > 0, "no ids in " .. file)
	math.randomseed(os.time() * 100 + tid)
end

function request()
	return reqs[math.random(#reqs)]
end
