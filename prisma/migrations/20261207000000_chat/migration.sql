-- CreateTable
CREATE TABLE "delivery_statuses" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "message_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "recipient" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "reason" TEXT,
    CONSTRAINT "delivery_statuses_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "mail_messages" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "chat_settings" (
    "user_id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "request_read_receipts" BOOLEAN NOT NULL DEFAULT false,
    "send_read_receipts" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "chat_settings_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "read_receipts_sent" (
    "message_id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "sent_at" DATETIME NOT NULL,
    CONSTRAINT "read_receipts_sent_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "mail_messages" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "delivery_statuses_user_id_idx" ON "delivery_statuses"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_statuses_message_id_recipient_key" ON "delivery_statuses"("message_id", "recipient");

-- CreateIndex
CREATE INDEX "mail_messages_message_id_idx" ON "mail_messages"("message_id");

