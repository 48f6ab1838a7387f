-- newsdb schema 6: an article's language and writing direction, as its page declares them (docs/IMPORT.md).
-- A shipped migration is never edited: change the schema with a new numbered file.
--
-- `language` is a BCP 47 tag in its usual case (`en`, `pt-BR`, `zh-Hant`); `direction` is `ltr`, `rtl` or `auto`.
-- Both are NULL when the source does not say (plain text, an older import). Earlier revisions keep their own.
ALTER TABLE articles ADD COLUMN language TEXT CHECK (length(language) BETWEEN 2 AND 35);
ALTER TABLE articles ADD COLUMN direction TEXT CHECK (direction IN ('ltr', 'rtl', 'auto'));
ALTER TABLE article_revisions ADD COLUMN language TEXT;
ALTER TABLE article_revisions ADD COLUMN direction TEXT;
