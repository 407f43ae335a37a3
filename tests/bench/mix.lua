-- mix.lua -- replays the request paths of a file (one a line, written
-- by tests/bench/search_mix.py) in random order: each thread shuffles
-- its own copy and walks it round, so every path is asked as often.
-- Every thread seeds its own generator: LuaJIT's default seed is the
-- same in each, which would send the same order twice.
-- Argument after --: the path file.

local threads = {}

function setup(thread)
	thread:set("tid", #threads)
	table.insert(threads, thread)
end

function init(args)
	local f = assert(io.open(args[1], "r"))

	reqs = {}
	for line in f:lines() do
		if line ~= "" then
			table.insert(reqs, wrk.format("GET", line))
		end
	end
	f:close()
	assert(#reqs > 0, "no paths in " .. args[1])
	math.randomseed(os.time() * 100 + tid)
	for i = #reqs, 2, -1 do
		local j = math.random(i)
		reqs[i], reqs[j] = reqs[j], reqs[i]
	end
	at = 0
end

function request()
	at = at % #reqs + 1
	return reqs[at]
end
