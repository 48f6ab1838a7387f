-- newsdb schema 8: the part of an article an annotation is on (docs/ANNOTATIONS.md). A shipped migration is never
-- edited: change the schema with a new numbered file.
--
-- `part` is `title` (the headline), `dek` or `body`; the selector's offsets (`start`, `end`) and anchor count Unicode
-- scalars of that part's text, on revision `revision` and `anchor_revision`. Every annotation made before is on the
-- body. Changes carry the part, so `changeSchemaVersion` goes from 6 to 8 (docs/SYNC.md).
ALTER TABLE annotations ADD COLUMN part TEXT NOT NULL DEFAULT 'body' CHECK (part IN ('title', 'dek', 'body'));
