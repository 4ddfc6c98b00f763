-- CreateTable
CREATE TABLE "local_domains" (
    "domain" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- AlterTable
ALTER TABLE "users" ADD COLUMN "token_version" INTEGER NOT NULL DEFAULT 0;

-- An existing install keeps delivering to the accounts it has: their domains
-- were local before local domains became an operator's list.
INSERT OR IGNORE INTO "local_domains" ("domain")
SELECT DISTINCT lower(substr("email", instr("email", '@') + 1)) FROM "users" WHERE instr("email", '@') > 0;
