// The statements of a delivery batch on PostgreSQL, set-based: whatever the
// number of deliveries and copies, a batch is BEGIN with the blob locks, the
// blob chunks, one statement that claims and reads (usage, UIDs, threads,
// summaries, ids), one that writes every row, and COMMIT. Rows travel as JSON
// (json_to_recordset), blob bytes as one binary parameter cut server-side:
// no bytea goes through a text encoding. pg-batch-delivery.ts plans the rows;
// pg-delivery-sql.ts keeps the per-copy path for batches that merge threads.

export const PG_BATCH_SQL = {
  // $1: [{sha256, seq, at, len}] slices of $2, the chunks' bytes end to end.
  chunks: `INSERT INTO blob_chunks (sha256, seq, data)
    SELECT x.sha256, x.seq, substring($2::bytea FROM x.at + 1 FOR x.len)
    FROM json_to_recordset($1::json) AS x(sha256 text, seq int, at int, len int)
    ON CONFLICT (sha256, seq) DO NOTHING`,
  // Usage moves with the rows it counts, under the user row's lock (two
  // instances cannot both squeeze into the last free bytes); UIDs are claimed
  // per folder (RFC 3501 2.3.1.1: strictly ascending, the counter moving in
  // the same transaction as the rows); every candidate of every copy is
  // looked up at once (the thread of the newest message with that Message-ID,
  // and the threads of the messages replying to the copy); the summaries of
  // those threads are locked (FOR UPDATE: another instance's batch adding to
  // one takes its turn); and ids are drawn for the rows to come, threads for
  // at most the copies that found none.
  // $1 [{id, bytes}] $2 [{folder_id, user_id, n}] $3 [{k, user_id, ref, i}]
  // $4 [{k, user_id, mid}] $5 folder ids, $6 copies, $7 attachments, $8 queue rows.
  claim: `WITH usage AS (
      UPDATE users u SET used_bytes = u.used_bytes + x.bytes FROM json_to_recordset($1::json) AS x(id int, bytes bigint)
      WHERE u.id = x.id RETURNING u.id, u.used_bytes AS used),
    places AS (
      UPDATE folders f SET uid_next = f.uid_next + x.n, highest_modseq = f.highest_modseq + x.n
      FROM json_to_recordset($2::json) AS x(folder_id int, user_id int, n int)
      WHERE f.id = x.folder_id AND f.user_id = x.user_id
      RETURNING f.id, f.user_id, f.uid_next - x.n AS uid, f.highest_modseq - x.n AS modseq),
    found AS (
      SELECT r.k, r.i, m.thread_id FROM json_to_recordset($3::json) AS r(k int, user_id int, ref text, i int)
      CROSS JOIN LATERAL (SELECT thread_id FROM mail_messages WHERE user_id = r.user_id AND message_id = r.ref ORDER BY id DESC LIMIT 1) m),
    children AS (
      SELECT DISTINCT c.k, m.thread_id FROM json_to_recordset($4::json) AS c(k int, user_id int, mid text)
      JOIN mail_messages m ON m.user_id = c.user_id AND m.in_reply_to = c.mid),
    threads AS (SELECT id, subject FROM mail_threads WHERE id IN (SELECT thread_id FROM found UNION SELECT thread_id FROM children)),
    summaries AS (
      SELECT folder_id AS "folderId", thread_id AS "threadId", user_id AS "userId", subject,
        last_message_at AS "lastMessageAt", last_message_id AS "lastMessageId", message_count AS "messageCount",
        unread_count AS "unreadCount", starred_count AS "starredCount", attachment_count AS "attachmentCount",
        snippet, participants, recipients
      FROM thread_summaries WHERE thread_id IN (SELECT id FROM threads) AND folder_id = ANY($5::int[]) FOR UPDATE)
    SELECT (SELECT json_agg(usage) FROM usage) AS usage, (SELECT json_agg(places) FROM places) AS places,
      (SELECT json_agg(found) FROM found) AS found, (SELECT json_agg(children) FROM children) AS children,
      (SELECT json_agg(threads) FROM threads) AS threads, (SELECT json_agg(summaries) FROM summaries) AS summaries,
      array(SELECT nextval('mail_messages_id_seq')::int FROM generate_series(1, $6::int)) AS message_ids,
      array(SELECT nextval('attachments_id_seq')::int FROM generate_series(1, $7::int)) AS attachment_ids,
      array(SELECT nextval('outbound_queue_id_seq')::int FROM generate_series(1, $8::int)) AS outbound_ids,
      array(SELECT nextval('mail_threads_id_seq')::int
        FROM generate_series(1, $6::int - (SELECT count(DISTINCT k)::int FROM (SELECT k FROM found UNION ALL SELECT k FROM children) x))) AS thread_ids`,
  // Every row of the batch, ids given. One statement: the foreign keys are
  // checked at its end, when the threads and messages it inserts are there.
  // $1 new threads, $2 threads touched, $3 messages, $4 attachments, $5 index
  // rows, $6 summaries, $7 folder counters, $8 webhooks, $9 queue rows, $10 now.
  write: `WITH new_threads AS (
      INSERT INTO mail_threads (id, user_id, subject, last_message_at, created_at)
      SELECT * FROM json_to_recordset($1::json) AS x(id int, user_id int, subject text, last_message_at timestamptz, created_at timestamptz)),
    touched AS (
      UPDATE mail_threads t SET last_message_at = x.at FROM json_to_recordset($2::json) AS x(id int, at timestamptz)
      WHERE t.id = x.id AND t.last_message_at < x.at),
    messages AS (
      INSERT INTO mail_messages (id, user_id, folder_id, thread_id, message_id, in_reply_to, "references", from_email, from_name,
        to_json, cc_json, subject, snippet, body_text, body_html, is_read, is_starred, has_attachments, sent_at, created_at,
        received_header, raw_sha256, size_bytes, uid, modseq, is_draft)
      SELECT * FROM json_to_recordset($3::json) AS x(id int, user_id int, folder_id int, thread_id int, message_id text,
        in_reply_to text, "references" text, from_email text, from_name text, to_json text, cc_json text, subject text,
        snippet text, body_text text, body_html text, is_read boolean, is_starred boolean, has_attachments boolean,
        sent_at timestamptz, created_at timestamptz, received_header text, raw_sha256 text, size_bytes int, uid int,
        modseq int, is_draft boolean)),
    attachments AS (
      INSERT INTO attachments (id, message_id, user_id, filename, content_type, size, content_id, sha256)
      SELECT * FROM json_to_recordset($4::json) AS x(id int, message_id int, user_id int, filename text, content_type text,
        size int, content_id text, sha256 text)),
    search AS (
      INSERT INTO message_search (message_id, user_id, created_at, tsv)
      SELECT x.id, x.user_id, x.created_at, x.tsv::tsvector FROM json_to_recordset($5::json) AS x(id int, user_id int, created_at timestamptz, tsv text)),
    summaries AS (
      INSERT INTO thread_summaries (folder_id, thread_id, user_id, subject, last_message_at, last_message_id,
        message_count, unread_count, starred_count, attachment_count, snippet, participants, recipients)
      SELECT * FROM json_to_recordset($6::json) AS x("folderId" int, "threadId" int, "userId" int, subject text,
        "lastMessageAt" timestamptz, "lastMessageId" int, "messageCount" int, "unreadCount" int, "starredCount" int,
        "attachmentCount" int, snippet text, participants text, recipients text)
      ON CONFLICT (folder_id, thread_id) DO UPDATE SET subject = excluded.subject,
        last_message_at = excluded.last_message_at, last_message_id = excluded.last_message_id,
        message_count = excluded.message_count, unread_count = excluded.unread_count,
        starred_count = excluded.starred_count, attachment_count = excluded.attachment_count,
        snippet = excluded.snippet, participants = excluded.participants, recipients = excluded.recipients),
    counters AS (
      UPDATE folders f SET total_count = f.total_count + x.total, unread_count = f.unread_count + x.unread
      FROM json_to_recordset($7::json) AS x(id int, total int, unread int) WHERE f.id = x.id),
    webhooks AS (
      INSERT INTO webhook_outbox (event, payload, status, attempts, next_attempt_at, created_at)
      SELECT 'message.received', x.payload, 'pending', 0, x.at, x.at FROM json_to_recordset($8::json) AS x(payload text, at timestamptz)),
    outbound AS (
      INSERT INTO outbound_queue (id, user_id, mail_from, recipients, raw_sha256, size_bytes, status, attempts,
        next_attempt_at, created_at, updated_at)
      SELECT x.id, x.user_id, x.mail_from, x.recipients, x.raw_sha256, x.size_bytes, 'pending', 0, $10::timestamptz, $10::timestamptz, $10::timestamptz
      FROM json_to_recordset($9::json) AS x(id int, user_id int, mail_from text, recipients text, raw_sha256 text, size_bytes int))
    SELECT 1`,
} as const;
