-- cp_csv.lua -- every request asks for CSV (Accept: text/csv); the
-- bearer token comes from wrk's -H as for the other rows.
wrk.headers["Accept"] = "text/csv"
