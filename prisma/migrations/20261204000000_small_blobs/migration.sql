-- CreateTable
CREATE TABLE "small_blobs" (
    "sha256" TEXT NOT NULL PRIMARY KEY,
    "size" INTEGER NOT NULL,
    "content" BLOB NOT NULL
);

