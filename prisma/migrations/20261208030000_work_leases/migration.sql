-- AlterTable
ALTER TABLE "outbound_queue" ADD COLUMN "lease_owner" TEXT;
ALTER TABLE "outbound_queue" ADD COLUMN "lease_until" DATETIME;

-- AlterTable
ALTER TABLE "webhook_outbox" ADD COLUMN "lease_owner" TEXT;
ALTER TABLE "webhook_outbox" ADD COLUMN "lease_until" DATETIME;
