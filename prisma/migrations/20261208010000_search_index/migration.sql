-- Full-text search (docs/search.md "Design"). Not in schema.prisma: Prisma
-- cannot describe an FTS5 virtual table, and nothing reads these through it.
--
-- message_search: one row per message, rowid = mail_messages.id. The text is
-- tokenized by ChitBox (mail/search/search-tokens.ts) before it is inserted,
-- so FTS5's ascii tokenizer only splits on the spaces put there; the columns
-- are those of mail/search/fts5-search.ts (FTS5_COLUMNS), in that order.
-- Contentless: the text stays in mail_messages; contentless_delete lets a row go.
CREATE VIRTUAL TABLE message_search USING fts5(subject, sender, recipients, body, attachments, tokenize = 'ascii', content = '', contentless_delete = 1);

-- A message leaves the index in the same transaction as its row, whoever
-- deletes it (a delete for good, an account removed by cascade).
CREATE TRIGGER mail_messages_search_delete AFTER DELETE ON mail_messages BEGIN
  DELETE FROM message_search WHERE rowid = old.id;
END;

-- Messages stored before this migration are indexed after start, newest
-- first, in small transactions (core/search-backfill.ts): the tokenizer is
-- JavaScript, so SQL alone cannot fill the index. Every message with an id
-- below next_below may still lack its row; newer ones are indexed by the
-- delivery that stores them. The row goes when the backfill is done.
CREATE TABLE search_backfill (
    "id" INTEGER NOT NULL PRIMARY KEY CHECK ("id" = 1),
    "next_below" INTEGER NOT NULL
);
INSERT INTO search_backfill (id, next_below) SELECT 1, max(id) + 1 FROM mail_messages HAVING count(*) > 0;
