-- audit_fill.sql -- appends :n entries of the system's to the audit
-- chain in one transaction, each hashed as tm_audit hashes it (the same
-- audit_canonical() and sha256()), the head moved once at the end: for
-- timing GET /audit/verify over a long chain. tm_audit itself moves the
-- head row once per entry, which is right for one entry a transaction
-- and slow for a million in one.
--   psql -v n=100000 -f tests/bench/audit_fill.sql
SELECT set_config('audit.fill_n', :'n', false) \gset
DO $$
DECLARE
	h	audit_chain;
	prev	bytea;
	s	bigint;
	t	timestamptz;
	c	jsonb;
	x	bytea;
BEGIN
	SELECT * INTO h FROM audit_chain WHERE id FOR UPDATE;
	prev := h.hash;
	s := h.seq;
	FOR i IN 1 .. current_setting('audit.fill_n')::int LOOP
		s := s + 1;
		t := clock_timestamp();
		c := jsonb_build_object('n', i, 'note',
		    'Đo thời gian kiểm tra chuỗi nhật ký', 'amount_vnd',
		    1250000000, 'ok', true);
		x := sha256(prev || convert_to(audit_canonical(s, t, NULL,
		    'system', 'bench.fill', 'bench', i::text, c), 'UTF8'));
		INSERT INTO audit_log (seq, at, actor_id, actor_role, action,
		    entity_type, entity_id, changes, prev_hash, hash)
		VALUES (s, t, NULL, 'system', 'bench.fill', 'bench', i::text,
		    c, prev, x);
		prev := x;
	END LOOP;
	UPDATE audit_chain SET seq = s, hash = prev WHERE id;
END $$;
