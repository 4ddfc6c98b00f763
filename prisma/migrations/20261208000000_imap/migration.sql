-- IMAP: per-folder UID and MODSEQ counters, each message's UID and MODSEQ,
-- and the IMAP flags that have no column yet. Columns are added in place
-- (no table rebuild), so a large mailbox migrates without copying its rows.
ALTER TABLE "folders" ADD COLUMN "uid_next" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "folders" ADD COLUMN "highest_modseq" INTEGER NOT NULL DEFAULT 1;

ALTER TABLE "mail_messages" ADD COLUMN "uid" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "mail_messages" ADD COLUMN "modseq" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "mail_messages" ADD COLUMN "is_answered" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "mail_messages" ADD COLUMN "is_draft" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "mail_messages" ADD COLUMN "is_deleted" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "mail_messages" ADD COLUMN "keywords" TEXT NOT NULL DEFAULT '[]';

-- Mail already stored gets UIDs in the order it arrived, folder by folder.
UPDATE "mail_messages" SET "uid" = "numbered"."n"
  FROM (SELECT "id", ROW_NUMBER() OVER (PARTITION BY "folder_id" ORDER BY "id") AS "n" FROM "mail_messages") AS "numbered"
  WHERE "mail_messages"."id" = "numbered"."id";
UPDATE "folders" SET "uid_next" = 1 + COALESCE((SELECT MAX("uid") FROM "mail_messages" WHERE "folder_id" = "folders"."id"), 0);

-- CreateIndex
CREATE UNIQUE INDEX "mail_messages_folder_id_uid_key" ON "mail_messages"("folder_id", "uid");
CREATE INDEX "mail_messages_folder_id_modseq_idx" ON "mail_messages"("folder_id", "modseq");
