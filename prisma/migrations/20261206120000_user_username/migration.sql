-- AlterTable
ALTER TABLE "users" ADD COLUMN "username" TEXT;

-- Backfill: the local part of the address (emails are stored lower-cased),
-- for the oldest account of each local part; later ones that share it stay
-- NULL and are named by their address.
UPDATE "users" SET "username" = substr("email", 1, instr("email", '@') - 1)
WHERE instr("email", '@') > 1
  AND "id" IN (SELECT min("id") FROM "users" WHERE instr("email", '@') > 1 GROUP BY substr("email", 1, instr("email", '@') - 1));

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key" ON "users"("username");
