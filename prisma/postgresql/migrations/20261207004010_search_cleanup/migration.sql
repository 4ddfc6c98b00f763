-- Hand-written (Prisma's schema language has no triggers; npm run db:schema:pg
-- only adds migrations after this one): a message deleted by any path (for
-- good, with its user) leaves the full-text index in the same transaction, as
-- the SQLite engine's trigger on its FTS5 table does. No foreign key: the
-- index is PostgreSQL-only and the shared model of mail_messages names no such
-- relation.
CREATE FUNCTION message_search_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM message_search WHERE message_id = OLD.id;
  RETURN OLD;
END;
$$;

CREATE TRIGGER mail_messages_search_forget AFTER DELETE ON mail_messages
  FOR EACH ROW EXECUTE FUNCTION message_search_forget();
