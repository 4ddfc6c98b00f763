-- CreateTable
CREATE TABLE "message_search" (
    "message_id" INTEGER NOT NULL,
    "tsv" tsvector NOT NULL,

    CONSTRAINT "message_search_pkey" PRIMARY KEY ("message_id")
);

-- CreateIndex
CREATE INDEX "message_search_tsv_idx" ON "message_search" USING GIN ("tsv");

