// Thread summaries and folder counters computed from the message rows alone,
// plainly and without the engine's code, to check what the engine keeps.
import type Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { AddressRecord } from '../../src/storage/records.js';

interface Row {
  id: number; user_id: number; folder_id: number; thread_id: number; message_id: string | null; in_reply_to: string | null;
  references: string; from_email: string; from_name: string; to_json: string; subject: string; snippet: string;
  is_read: number; is_starred: number; has_attachments: number; created_at: string; thread_subject: string;
}

/** Every summary and folder counter in the database equals a computation from its message rows. */
export function expectSummariesMatch(peek: Database.Database): void {
  const rows = peek
    .prepare('SELECT m.*, t.subject AS thread_subject FROM mail_messages m JOIN mail_threads t ON t.id = m.thread_id ORDER BY m.id')
    .all() as Row[];
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.folder_id}:${r.thread_id}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const expected = [...groups.values()].map(expectedSummary).sort(byKey);
  const actual = (peek.prepare('SELECT * FROM thread_summaries').all() as Array<Record<string, unknown>>)
    .map((s) => ({
      folderId: s.folder_id, threadId: s.thread_id, userId: s.user_id, subject: s.subject,
      lastMessageAt: new Date(s.last_message_at as string).getTime(), lastMessageId: s.last_message_id,
      messageCount: s.message_count, unreadCount: s.unread_count, starredCount: s.starred_count,
      attachmentCount: s.attachment_count, snippet: s.snippet,
      participants: JSON.parse(s.participants as string) as AddressRecord[], recipients: JSON.parse(s.recipients as string) as AddressRecord[],
    }))
    .sort(byKey);
  expect(actual).toEqual(expected);

  const counts = peek.prepare('SELECT id, total_count AS total, unread_count AS unread FROM folders ORDER BY id').all();
  const fromRows = peek
    .prepare(`SELECT f.id, count(m.id) AS total, coalesce(sum(m.is_read = 0), 0) AS unread
      FROM folders f LEFT JOIN mail_messages m ON m.folder_id = f.id GROUP BY f.id ORDER BY f.id`)
    .all();
  expect(counts).toEqual(fromRows);
}

function expectedSummary(messages: Row[]) {
  const last = messages.reduce((a, b) => {
    const ta = new Date(a.created_at).getTime();
    const tb = new Date(b.created_at).getTime();
    return tb > ta || (tb === ta && b.id > a.id) ? b : a;
  });
  const people = (list: AddressRecord[]) => {
    const seen = new Set<string>();
    return list.filter((p) => !seen.has(p.address.toLowerCase()) && seen.add(p.address.toLowerCase())).slice(0, 20);
  };
  return {
    folderId: last.folder_id, threadId: last.thread_id, userId: last.user_id,
    subject: last.thread_subject || last.subject,
    lastMessageAt: new Date(last.created_at).getTime(), lastMessageId: last.id,
    messageCount: messages.length,
    unreadCount: messages.filter((m) => !m.is_read).length,
    starredCount: messages.filter((m) => m.is_starred).length,
    attachmentCount: messages.filter((m) => m.has_attachments).length,
    snippet: last.snippet,
    participants: people(messages.map((m) => ({ address: m.from_email, name: m.from_name }))),
    recipients: people(messages.flatMap((m) => JSON.parse(m.to_json) as AddressRecord[])),
  };
}

const byKey = (a: { folderId: unknown; threadId: unknown }, b: { folderId: unknown; threadId: unknown }) =>
  Number(a.folderId) - Number(b.folderId) || Number(a.threadId) - Number(b.threadId);

