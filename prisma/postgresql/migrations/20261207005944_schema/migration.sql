-- AlterTable
ALTER TABLE "folders" ADD COLUMN     "highest_modseq" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "uid_next" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "mail_messages" ADD COLUMN     "is_answered" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "is_deleted" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "is_draft" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "keywords" TEXT NOT NULL DEFAULT '[]',
ADD COLUMN     "modseq" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "uid" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "mail_messages_folder_id_modseq_idx" ON "mail_messages"("folder_id", "modseq");

-- CreateIndex
CREATE UNIQUE INDEX "mail_messages_folder_id_uid_key" ON "mail_messages"("folder_id", "uid");

