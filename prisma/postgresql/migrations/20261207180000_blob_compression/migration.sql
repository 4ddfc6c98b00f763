-- Written by hand (Prisma does not model a column's compression): message and
-- attachment bytes are compressed with lz4 instead of PostgreSQL's default
-- pglz. Most of those bytes are base64 or already compressed, which pglz
-- works hard on and cannot shrink; lz4 costs a fraction of that and still
-- shrinks text. A server built without lz4 stores the bytes uncompressed
-- instead. Only new values are affected; stored ones stay as they are.
DO $$
BEGIN
  ALTER TABLE "blob_chunks" ALTER COLUMN "data" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  ALTER TABLE "blob_chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL;
END $$;
