-- 021_place_listings.sql -- the published listings of a vendor, newest
-- first, answered from the index alone: how many listings a place filter
-- keeps (tm_by_place() in sql/functions/40_search.sql) is counted without
-- reading a row.
CREATE INDEX technologies_vendor_published ON technologies
	(vendor_id, created_at DESC, id DESC) WHERE status = 'published';
