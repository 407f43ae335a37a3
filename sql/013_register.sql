-- 013_register.sql -- the public register of approved funding decisions
-- (GET /funding-decisions) pages newest first over approved rows only.
-- The signed record itself needs no schema: funding_decide has stored
-- the signed text, signature and key id of every decision since 007.

CREATE INDEX funding_applications_register ON funding_applications
	(decided_at DESC, id DESC) WHERE status = 'approved';
