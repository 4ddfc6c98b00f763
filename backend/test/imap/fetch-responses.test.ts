// FETCH responses made without imap-core's per-message machinery
// (imap/fetch-responses.ts) are the bytes that machinery makes: each case is
// compared with imap-core's own getQueryResponse, formatResponse and
// compiler, as the FETCH and STORE handlers used them before. Plus the
// sequence numbers and the chunked writing with its wait for the socket.
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { imapHandler, type FetchQueryItem, type ImapSession } from '@zone-eu/wildduck/imap-core/index.js';
import { describe, expect, it } from 'vitest';
import type { ImapMessageRecord } from '../../src/core/imap-mailbox.js';
import { fetchResponse, metadataLines, ResponseLines, sequenceNumbers, storeLines } from '../../src/imap/fetch-responses.js';
import { toImapFlags } from '../../src/imap/imap-flags.js';

const require = createRequire(import.meta.url);
const imapTools = require('@zone-eu/wildduck/imap-core/lib/imap-tools.js') as {
  getQueryResponse(query: FetchQueryItem[], message: Record<string, unknown>, options: Record<string, unknown>): unknown[];
};
const { IMAPConnection } = require('@zone-eu/wildduck/imap-core/lib/imap-connection.js') as {
  IMAPConnection: { prototype: { formatResponse(this: unknown, command: string, uid: number, data: unknown): unknown } };
};

/** A query item as imap-core's FETCH command makes it from the client's words. */
const item = (name: string, extra: Partial<FetchQueryItem> = {}): FetchQueryItem =>
  ({ item: name.toLowerCase(), original: { type: 'ATOM', value: name }, ...extra }) as FetchQueryItem;

const message = (over: Partial<ImapMessageRecord>): ImapMessageRecord => ({
  id: 1, uid: 7, modseq: 12, isRead: false, isStarred: false, isAnswered: false, isDraft: false, isDeleted: false, keywords: [],
  sizeBytes: 4380, createdAt: new Date('2026-12-07T02:21:31.337Z'), ...over,
});

/** What the handler wrote before: imap-core's values, formatResponse's shape (its indexOf for the number), the compiler's text. */
function imapCoreLine(uidList: number[], query: FetchQueryItem[], m: ImapMessageRecord): string {
  const values = imapTools.getQueryResponse(query, {
    uid: m.uid, modseq: m.modseq, flags: toImapFlags(m), idate: m.createdAt, size: m.sizeBytes,
  }, { acceptUTF8Enabled: false });
  return imapHandler.compiler(IMAPConnection.prototype.formatResponse.call({ selected: { uidList } }, 'FETCH', m.uid, { query, values }));
}

describe('FETCH responses without message bytes', () => {
  const uidList = [2, 3, 7, 40];
  const messages = [
    message({}),
    message({ isRead: true }),
    message({ isRead: true, isStarred: true, isAnswered: true, isDraft: true, isDeleted: true, keywords: ['$Forwarded', 'Work'] }),
    message({ uid: 40, modseq: 1, sizeBytes: 1, createdAt: new Date('2001-01-09T23:05:06Z') }),
  ];
  const queries: Record<string, FetchQueryItem[]> = {
    'FLAGS': [item('FLAGS')],
    'UID FETCH (FLAGS)': [item('FLAGS'), item('UID')],
    'lower case, as the client wrote it': [item('flags'), item('uid')],
    'every item a listing answers': [item('INTERNALDATE'), item('UID'), item('MODSEQ'), item('RFC822.SIZE'), item('FLAGS')],
  };

  it.each(Object.entries(queries))('%s: the same bytes as imap-core makes', (_name, query) => {
    const line = metadataLines(query)!;
    expect(line).not.toBeNull();
    const seqOf = sequenceNumbers(uidList);
    for (const m of messages) expect(line(seqOf(m.uid), m)).toBe(imapCoreLine(uidList, query, m));
  });

  it('leaves anything needing the message to the bytes', () => {
    expect(metadataLines([item('FLAGS'), item('ENVELOPE')])).toBeNull();
    expect(metadataLines([item('BODYSTRUCTURE')])).toBeNull();
    expect(metadataLines([item('BODY', { path: '', type: 'content', isLiteral: true })])).toBeNull();
    expect(metadataLines([item('RFC822.HEADER', { isLiteral: true })])).toBeNull();
  });
});

describe('STORE responses', () => {
  it.each([
    { uid: true, flags: true, modseq: false }, { uid: false, flags: true, modseq: true }, { uid: true, flags: false, modseq: true },
    { uid: false, flags: false, modseq: true },
  ])('%o: the same bytes as formatResponse makes from { uid, flags, modseq }', (wanted) => {
    const m = message({ isRead: true, keywords: ['$Junk'] });
    const theirs = IMAPConnection.prototype.formatResponse.call({ selected: { uidList: [3, 7] } }, 'FETCH', m.uid, {
      uid: wanted.uid ? m.uid : false, flags: wanted.flags ? toImapFlags(m) : false, modseq: wanted.modseq ? m.modseq : false,
    });
    expect(storeLines(wanted)(2, m)).toBe(imapHandler.compiler(theirs));
  });
});

describe('FETCH responses with values from imap-core', () => {
  it('shapes literals, lists, dates and empty values as formatResponse does', () => {
    const query = [
      item('UID'), item('FLAGS'), item('INTERNALDATE'), item('ENVELOPE'), item('BODY', { path: '', type: 'content', isLiteral: true }),
      item('RFC822.HEADER', { isLiteral: true }), item('BODY', { path: '1', type: 'mime', isLiteral: true }),
    ];
    const values = [7, ['\\Seen', 'Work'], new Date('2026-12-07T02:21:31Z'), ['date', 'subject', null, [['a', null, 'b', 'c']]], Buffer.from('raw bytes\r\n'), '', 'x'];
    const theirs = IMAPConnection.prototype.formatResponse.call({ selected: { uidList: [7] } }, 'FETCH', 7, { query, values });
    expect(fetchResponse(1, query, values)).toEqual(theirs);
  });
});

describe('sequenceNumbers', () => {
  it('finds each UID of an ascending list, and 0 for one not there', () => {
    const uids = Array.from({ length: 10_000 }, (_, i) => 3 * i + 1);
    const seqOf = sequenceNumbers(uids);
    expect(uids.every((uid, i) => seqOf(uid) === i + 1)).toBe(true);
    expect([0, 2, 30_001].map(seqOf)).toEqual([0, 0, 0]);
  });

  it('still finds a UID in a list out of order', () => {
    const seqOf = sequenceNumbers([5, 1, 9, 3]);
    expect([5, 1, 9, 3, 4].map(seqOf)).toEqual([1, 2, 3, 4, 0]);
  });
});

describe('ResponseLines', () => {
  /** A session whose composer holds each chunk until released, as a socket that is not reading would. */
  function slowSession() {
    const chunks: string[] = [];
    const pending: Array<() => void> = [];
    const writeStream = new PassThrough({ objectMode: true });
    writeStream.write = ((obj: { compiled: Buffer }, done: () => void) => {
      chunks.push(obj.compiled.toString('binary'));
      pending.push(done);
      return false;
    }) as typeof writeStream.write;
    return { session: { writeStream } as unknown as ImapSession, chunks, release: () => pending.splice(0).forEach((done) => done()) };
  }

  it('writes lines a chunk at a time, joined by CRLF, and waits for the socket before the next chunk', async () => {
    const { session, chunks, release } = slowSession();
    const out = new ResponseLines(session);
    const lines = Array.from({ length: 2500 }, (_, i) => `* ${i + 1} FETCH (FLAGS () UID ${i + 1})`);
    let added = 0;
    const adding = (async () => {
      for (const line of lines) {
        await out.add(line);
        added++;
      }
      await out.end();
    })();
    await new Promise((r) => setImmediate(r));
    // The first chunk is out; the second waits for it to be taken.
    expect(chunks).toHaveLength(1);
    expect(added).toBeLessThan(lines.length);
    while (added < lines.length || chunks.length < 3) {
      release();
      await new Promise((r) => setImmediate(r));
    }
    release();
    await adding;
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('\r\n')).toBe(lines.join('\r\n'));
  });
});
