-- New mail's search index entries, written in batches behind the deliveries
-- (storage/sqlite/ingest-worker/search-index-queue.ts): FTS5 writes a new
-- segment of its index at every commit that touches it, and indexing each
-- group commit's few messages cost more CPU and log pages than batches of
-- hundreds. A delivery names its copies here in its own transaction; the
-- batch that indexes them removes the names. Not in schema.prisma: Prisma
-- never reads it.
--
-- leftover: names the ingest thread found at its start, so their entries
-- died with an earlier process; the core's search backfill indexes those
-- from the stored rows (core/search-backfill.ts), and no committed message
-- stays out of the index.
CREATE TABLE search_pending (
    "message_id" INTEGER NOT NULL PRIMARY KEY,
    "leftover" INTEGER NOT NULL DEFAULT 0
);

-- A message deleted before its batch leaves no name behind.
CREATE TRIGGER search_pending_delete AFTER DELETE ON mail_messages BEGIN
  DELETE FROM search_pending WHERE message_id = old.id;
END;
