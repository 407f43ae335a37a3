-- 008_need_words.sql -- needs' title words, so that the typo fallback
-- corrects a needs search against needs' titles as it corrects a
-- technologies search against technologies' (tm_words, 005). Which rows
-- match q is now decided once, in sql/functions/40_search.sql.

CREATE TABLE need_words (
	word	text PRIMARY KEY
);
CREATE INDEX need_words_trgm ON need_words USING gin (word gin_trgm_ops);

-- tm_words_add() tells the two tables apart as sql/functions/ defines
-- it, which tmctl migrate applies in this same transaction.
CREATE TRIGGER needs_words_insert AFTER INSERT ON needs
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION tm_words_add();
CREATE TRIGGER needs_words_update AFTER UPDATE ON needs
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION tm_words_add();
INSERT INTO need_words
SELECT DISTINCT w FROM needs n, tm_words_of(n.title_folded) w
ORDER BY 1 ON CONFLICT DO NOTHING;

-- The fuzzy query of technologies alone: tm_tsquery_fuzzy(text, boolean,
-- boolean) takes the vocabulary as its third argument.
DROP FUNCTION tm_tsquery_fuzzy(text, boolean);
