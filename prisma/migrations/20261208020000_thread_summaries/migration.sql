-- CreateTable
CREATE TABLE "thread_summaries" (
    "folder_id" INTEGER NOT NULL,
    "thread_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "subject" TEXT NOT NULL,
    "last_message_at" DATETIME NOT NULL,
    "last_message_id" INTEGER NOT NULL,
    "message_count" INTEGER NOT NULL,
    "unread_count" INTEGER NOT NULL,
    "starred_count" INTEGER NOT NULL,
    "attachment_count" INTEGER NOT NULL,
    "snippet" TEXT NOT NULL,
    "participants" TEXT NOT NULL,
    "recipients" TEXT NOT NULL,

    PRIMARY KEY ("folder_id", "thread_id"),
    CONSTRAINT "thread_summaries_folder_id_fkey" FOREIGN KEY ("folder_id") REFERENCES "folders" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "thread_summaries_thread_id_fkey" FOREIGN KEY ("thread_id") REFERENCES "mail_threads" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "backfill_state" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "next_id" INTEGER NOT NULL,
    "last_id" INTEGER NOT NULL
);

-- AlterTable: columns added in place (a redefinition would drop "folders",
-- and with foreign keys on that cascades to every message)
ALTER TABLE "folders" ADD COLUMN "total_count" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "folders" ADD COLUMN "unread_count" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "thread_summaries_folder_id_last_message_at_thread_id_idx" ON "thread_summaries"("folder_id", "last_message_at", "thread_id");

-- CreateIndex
CREATE INDEX "thread_summaries_thread_id_idx" ON "thread_summaries"("thread_id");

-- CreateIndex
CREATE INDEX "mail_messages_user_id_in_reply_to_idx" ON "mail_messages"("user_id", "in_reply_to");


-- CreateIndex
CREATE INDEX "outbound_queue_status_id_idx" ON "outbound_queue"("status", "id");

-- Summaries and folder counters for the mail already stored are built at
-- start, a batch of threads per transaction (storage/sqlite/summary-backfill.ts).
INSERT INTO "backfill_state" ("name", "next_id", "last_id")
SELECT 'thread_summaries', 1, MAX("id") FROM "mail_threads" HAVING MAX("id") IS NOT NULL;
