-- AlterTable
ALTER TABLE "users" ADD COLUMN     "last_login" TIMESTAMPTZ(3);

