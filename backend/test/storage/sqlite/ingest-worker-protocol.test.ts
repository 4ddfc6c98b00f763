// A commit body crosses to the ingest worker as JSON plus its copies' texts
// and its small blobs' bytes; decoding gives back exactly what was encoded.
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { decodeCommit, encodeCommit, type CommitBody } from '../../../src/storage/sqlite/ingest-worker/ingest-worker-protocol.js';
import type { NewMessageCopy } from '../../../src/storage/sqlite/ingest-worker/delivery-sql.js';

function copy(userId: number, subject: string, body: string): NewMessageCopy {
  const at = new Date('2026-11-22T10:00:00.123Z');
  return {
    userId, folderId: userId * 10, messageId: `m${userId}@remote.test`, inReplyTo: null, references: ['a@x', 'b@x'],
    fromEmail: 'alice@remote.test', fromName: 'Alice', to: [{ address: 'bob@example.test', name: 'Bob' }], cc: [],
    subject, snippet: `${body.slice(0, 10)}…`, bodyText: body, untrustedHtml: `<p>${body}</p>`, isRead: false,
    sentAt: new Date('2026-11-21T09:00:00Z'), createdAt: at, receivedHeader: 'Received: from test', rawSha256: 'a'.repeat(64),
    sizeBytes: 1234, quotaBytes: null, mailbox: 'bob@example.test', queueWebhook: true,
    attachments: [{ filename: 'f.txt', contentType: 'text/plain', size: 3, contentId: null, sha256: 'b'.repeat(64) }],
  };
}

/** v8's serializer tags a one-byte string '"' and a two-byte one 'c' (after optional padding). */
function isOneByte(s: string): boolean {
  return v8.serialize(s)[2] === 0x22;
}

describe('encodeCommit / decodeCommit', () => {
  it('round-trips deliveries, dates, texts and small blobs in order', () => {
    const small = (n: number) => ({ sha256: String(n).repeat(64), content: new Uint8Array([n, n + 1, n + 2]) });
    const body: CommitBody = {
      now: new Date('2026-11-22T10:00:01Z'),
      deliveries: [
        { copies: [copy(1, 'Grüße 😀', 'plain body text'), copy(2, 'second', 'zweiter Text')], pinned: ['a'.repeat(64)], smallBlobs: [small(1), small(2)] },
        {
          copies: [copy(3, 'third', 'x'.repeat(5000))], outbound: null, smallBlobs: [small(3)],
          searchText: { subject: 'third', sender: 'a b', recipients: 'c d', body: 'x'.repeat(5000), attachments: 'grüße pdf' },
        },
      ],
    };
    const encoded = encodeCommit(body);
    expect(encoded.texts).toHaveLength(17);
    expect(encoded.contents).toHaveLength(3);
    expect(decodeCommit(encoded)).toEqual(body);
  });

  it('sends a small blob that is a view into a bigger buffer as an exact-size copy', () => {
    const pool = new Uint8Array(8192).fill(7);
    const view = pool.subarray(100, 110);
    const { contents } = encodeCommit({ now: new Date(), deliveries: [{ copies: [], smallBlobs: [{ sha256: 'c'.repeat(64), content: view }] }] });
    expect(contents[0]!.buffer.byteLength).toBe(10);
    expect([...contents[0]!]).toEqual([...view]);
  });

  it('keeps the JSON one byte a character when only the texts go beyond Latin-1', () => {
    const { json } = encodeCommit({ now: new Date(), deliveries: [{ copies: [copy(1, 'Sujet — 😀', 'body … ✓')] }] });
    expect(isOneByte(json)).toBe(true);
    expect(isOneByte(JSON.stringify(copy(1, 'Sujet — 😀', 'body … ✓')))).toBe(false);
  });
});
