-- AlterTable
ALTER TABLE "users" ADD COLUMN     "token_version" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "folders" ADD COLUMN     "total_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "unread_count" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "thread_summaries" (
    "folder_id" INTEGER NOT NULL,
    "thread_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "subject" TEXT NOT NULL,
    "last_message_at" TIMESTAMPTZ(3) NOT NULL,
    "last_message_id" INTEGER NOT NULL,
    "message_count" INTEGER NOT NULL,
    "unread_count" INTEGER NOT NULL,
    "starred_count" INTEGER NOT NULL,
    "attachment_count" INTEGER NOT NULL,
    "snippet" TEXT NOT NULL,
    "participants" TEXT NOT NULL,
    "recipients" TEXT NOT NULL,

    CONSTRAINT "thread_summaries_pkey" PRIMARY KEY ("folder_id","thread_id")
);

-- CreateTable
CREATE TABLE "backfill_state" (
    "name" TEXT NOT NULL,
    "next_id" INTEGER NOT NULL,
    "last_id" INTEGER NOT NULL,

    CONSTRAINT "backfill_state_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "local_domains" (
    "domain" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "local_domains_pkey" PRIMARY KEY ("domain")
);

-- CreateIndex
CREATE INDEX "thread_summaries_folder_id_last_message_at_thread_id_idx" ON "thread_summaries"("folder_id", "last_message_at", "thread_id");

-- CreateIndex
CREATE INDEX "thread_summaries_thread_id_idx" ON "thread_summaries"("thread_id");

-- CreateIndex
CREATE INDEX "mail_messages_user_id_in_reply_to_idx" ON "mail_messages"("user_id", "in_reply_to");

-- CreateIndex
CREATE INDEX "outbound_queue_status_id_idx" ON "outbound_queue"("status", "id");

-- AddForeignKey
ALTER TABLE "thread_summaries" ADD CONSTRAINT "thread_summaries_folder_id_fkey" FOREIGN KEY ("folder_id") REFERENCES "folders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "thread_summaries" ADD CONSTRAINT "thread_summaries_thread_id_fkey" FOREIGN KEY ("thread_id") REFERENCES "mail_threads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

