-- 012_verification.sql -- verification that gates: every change of an
-- organization's verified flag is recorded (who, when, which way, why),
-- the admins' queue reads organizations oldest first by whether they
-- are verified, and the search functions take the verified filter.

CREATE TABLE verification_events (
	id		bigserial PRIMARY KEY,
	org_id		uuid NOT NULL REFERENCES organizations(id),
	verified	boolean NOT NULL,
	-- Required when verification is withdrawn (app/accounts.c).
	note		text CHECK (length(note) BETWEEN 1 AND 2000),
	-- The admin's account; NULL for what was verified before 012.
	by_account	uuid REFERENCES accounts(id),
	at		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verification_events_org ON verification_events (org_id, id);

-- What was verified before events were recorded: when, not by whom.
INSERT INTO verification_events (org_id, verified, at)
SELECT o.id, true, o.verified_at FROM organizations o
WHERE o.verified AND o.verified_at IS NOT NULL;

-- GET /admin/organizations?verified=: the queue, oldest first; also
-- what the technologies' verified filter looks vendors up by.
CREATE INDEX organizations_queue
    ON organizations (verified, created_at, id);

-- New parameters (p_verified, the admin and the note), which CREATE OR
-- REPLACE cannot add; sql/functions/ creates them again in the same
-- transaction.
DROP FUNCTION IF EXISTS account_patch(uuid, text, boolean, int);
DROP FUNCTION IF EXISTS tech_relevance(text, text, text, text, text, int,
    int, bigint, uuid, boolean, text, uuid, int);
DROP FUNCTION IF EXISTS tech_fuzzy(text, text, text, text, text, int, int,
    bigint, uuid, boolean, text, uuid, int);
DROP FUNCTION IF EXISTS tech_filtered(text, text, text, text, text, int,
    int, bigint, uuid, boolean);
DROP FUNCTION IF EXISTS tech_query(text, text, text, text, text, int, int,
    bigint, uuid, boolean, int);
DROP FUNCTION IF EXISTS tech_tiers(tsquery, real, real, text, text, text,
    text, int, int, bigint, uuid, boolean, text, uuid, int);
DROP FUNCTION IF EXISTS tech_tier(int, tsquery, tsquery, text, text, text,
    text, int, int, bigint, uuid, boolean, timestamptz, uuid, int);
