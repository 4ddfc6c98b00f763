-- One index by Message-ID instead of two. (user_id, message_id) served the
-- parent lookup of a reply, (message_id) the conversations matched across
-- users; (message_id, user_id) serves both (a Message-ID names one message,
-- or its copies at a few users). Each of those indexes has a random key, so
-- every delivery wrote a page of each into the WAL: now one.

-- DropIndex
DROP INDEX "mail_messages_user_id_message_id_idx";

-- DropIndex
DROP INDEX "mail_messages_message_id_idx";

-- CreateIndex
CREATE INDEX "mail_messages_message_id_user_id_idx" ON "mail_messages"("message_id", "user_id");

