-- newsdb schema 5: a replica knows which file it lives in (docs/SYNC.md, "Copies and backups"). A shipped migration
-- is never edited: change the schema with a new numbered file.
--
-- `file_id` is the device and inode of the database file the replica's changes are made in (DEVICE:INODE), set when
-- the database is created. A database opened as another file (a copy, a backup put back, a file moved to another
-- disk) sees a different one and becomes a new replica before it makes any change, so that two files never make
-- different changes under one id. `copy` marks a file newsdb wrote as a copy (a backup before migrating): it becomes a
-- new replica when it is first opened for use, wherever it is. NULL: not known yet (a database older than schema 5),
-- set at the next open.
ALTER TABLE replica ADD COLUMN file_id TEXT;
