-- 026_technology_keys.sql -- indexes on the keys that point at a
-- technology from quote requests and funding applications. Deleting a
-- technology checks that nothing points at it, and without an index
-- each check read the whole table: the benchmark's load, replacing
-- 100,000 listings beside 111,000 quote requests and 100,000
-- applications, ran for over ten minutes.

CREATE INDEX quote_requests_technology ON quote_requests (technology_id);
CREATE INDEX funding_applications_technology
	ON funding_applications (technology_id);
