-- quote_flow.lua -- the quote-request write path: an enterprise creates
-- a request, the vendor quotes, the enterprise accepts; then again. The
-- answers say what comes next (a request is "requested", then "quoted"),
-- so each thread keeps a queue of moves due and any of its connections
-- takes the next one; with none due, it creates a request.
-- Arguments after --: technology id, enterprise token, vendor token,
-- valid_until (YYYY-MM-DD).

function init(args)
	local tech, eauth, vauth, valid = args[1], args[2], args[3], args[4]

	ehdr = { ["Authorization"] = "Bearer " .. eauth,
		["Content-Type"] = "application/json" }
	vhdr = { ["Authorization"] = "Bearer " .. vauth,
		["Content-Type"] = "application/json" }
	create = wrk.format("POST", "/api/v1/quote-requests", ehdr,
	    '{"technology_id": "' .. tech .. '", "message": "Xin báo giá ' ..
	    'cho dây chuyền 20 tấn/ngày.", "quantity": 1}')
	offer = '{"price_vnd": 1250000000, "valid_until": "' .. valid ..
	    '", "delivery_days": 45}'
	due = {}
	accepted = 0
end

function request()
	local move = table.remove(due, 1)

	if move == nil then
		return create
	end
	if move.action == "quote" then
		return wrk.format("POST", "/api/v1/quote-requests/" .. move.id ..
		    "/quote", vhdr, offer)
	end
	return wrk.format("POST", "/api/v1/quote-requests/" .. move.id ..
	    "/accept", ehdr, "{}")
end

function response(status, headers, body)
	local id = body:match('"id"%s*:%s*"([0-9a-f-]+)"')
	local state = body:match('"status"%s*:%s*"(%a+)"')

	if id == nil or state == nil then
		return
	end
	if state == "requested" then
		table.insert(due, { action = "quote", id = id })
	elseif state == "quoted" then
		table.insert(due, { action = "accept", id = id })
	elseif state == "accepted" then
		accepted = accepted + 1
	end
end
