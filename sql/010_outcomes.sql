-- 010_outcomes.sql -- the functions that answered with a result string
-- ("not_found", "stale", "move:x", "field:x") now raise a SQLSTATE of the
-- project's class TM, with what fills the message in DETAIL and HINT,
-- and return only the document (app/problem.c maps each SQLSTATE once).
-- Their result types change, which CREATE OR REPLACE cannot do: they go
-- here, and sql/functions/ creates them again in the same transaction.

DROP FUNCTION account_patch(uuid, text, boolean, int);
DROP FUNCTION technology_patch(uuid, uuid, int, jsonb);
DROP FUNCTION need_patch(uuid, uuid, int, jsonb);
DROP FUNCTION quote_create(uuid, uuid, text, jsonb);
DROP FUNCTION quote_replay(idempotency_keys, jsonb);
DROP FUNCTION quote_act(uuid, uuid, uuid, text, int, jsonb);
DROP FUNCTION funding_flag_facts(uuid, text);
DROP FUNCTION funding_flag_put(uuid, text, boolean, int, date, text, uuid,
    timestamptz, text, text, text);
DROP FUNCTION funding_apply(uuid, uuid, jsonb);
DROP FUNCTION funding_decision_facts(uuid, uuid, text);
DROP FUNCTION funding_decide(uuid, uuid, text, uuid, text, int, bigint, text,
    timestamptz, text, text, text);
DROP FUNCTION funding_program_patch(text, text, int, jsonb);
