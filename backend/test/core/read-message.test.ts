// Opening a message: the bodies as JSON text made once per message, kept in
// a cache bounded in bytes, only ever reached through the owner's row; and
// presentMessageJson's pieces are exactly res.json's bytes.
import { describe, expect, it } from 'vitest';
import type { HtmlSanitizer } from '../../src/mail/sanitize-pool/html-sanitizer.js';
import { presentMessage, presentMessageJson } from '../../src/core/presenters.js';
import { BodyJsonCache, readMessage, type ReadMessageDeps } from '../../src/core/read-message.js';
import type { MailStore } from '../../src/storage/mail-store.js';
import type { MessageBodiesRecord, MessageMetaRecord } from '../../src/storage/records.js';

const OWNER = 7;

function meta(id: number, over: Partial<MessageMetaRecord> = {}): MessageMetaRecord {
  return {
    id, userId: OWNER, threadId: 3, folderId: 1, fromEmail: 'a@remote.test', fromName: 'Ä "quoted"', subject: 'Re: \u2028 😀',
    snippet: 'hi', isRead: false, isStarred: true, hasAttachments: true,
    sentAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), createdAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 6)),
    messageId: 'm@remote.test', inReplyTo: null, references: [], to: [{ address: 'b@here.test', name: 'B' }], cc: [],
    sizeBytes: 1234, rawSha256: `sha-${id}`, receivedHeader: 'Received: x\r\n',
    attachments: [{ id: 40 + id, messageId: id, filename: 'p.png', contentType: 'image/png', size: 10, contentId: 'pic@x', sha256: 'a1' }],
    ...over,
  };
}

const BODIES: MessageBodiesRecord = {
  bodyText: 'Thanks!\n\nOn Monday, A wrote:\n> an "old" line \\ with 😀\n> and more\n',
  untrustedHtml: '<p onclick="x()">Thanks <img src="cid:pic@x"></p><script>1</script>',
};

/** A store of messages by id, all OWNER's, counting the body reads. */
function fakeStore(rows: Map<number, MessageMetaRecord>, bodies: (id: number) => MessageBodiesRecord = () => BODIES) {
  const calls = { meta: 0, bodies: 0 };
  const messages = {
    async getMeta(userId: number, id: number) {
      calls.meta++;
      const m = rows.get(id);
      return m && m.userId === userId ? m : null;
    },
    async getBodies(userId: number, id: number) {
      calls.bodies++;
      const m = rows.get(id);
      return m && m.userId === userId ? bodies(id) : null;
    },
  };
  return { store: { messages } as unknown as Pick<MailStore, 'messages'>, calls };
}

const stripScripts: HtmlSanitizer = {
  sanitize: async (_key, html) => html.replace(/<script>.*?<\/script>/g, '').replace(/ onclick="[^"]*"/g, ''),
  close: async () => {},
};

function depsWith(rows: Map<number, MessageMetaRecord>, cache = new BodyJsonCache(), sanitizer = stripScripts) {
  const { store, calls } = fakeStore(rows);
  const deps: ReadMessageDeps = { store, htmlSanitizer: sanitizer, bodyJson: cache };
  return { deps, calls, cache };
}

describe('presentMessageJson', () => {
  it('is the bytes of JSON.stringify(presentMessage(...)), with and without recipients', async () => {
    const { deps } = depsWith(new Map([[1, meta(1)]]));
    const m = await readMessage(deps, OWNER, 1);
    const servable = { ...m, ...BODIES, safeHtml: await stripScripts.sanitize('', BODIES.untrustedHtml) };
    const recipients = [{ address: 'b@here.test', name: 'B', status: 'read' as const, at: '2026-01-02T03:04:07.000Z' }];
    for (const r of [undefined, recipients]) {
      const json = presentMessageJson(m, r);
      const bytes = Buffer.concat(json.pieces);
      expect(bytes.toString('utf8')).toBe(JSON.stringify(presentMessage(servable, r)));
      expect(json.bytes).toBe(bytes.length);
    }
    // The cid: link points at the attachment, as servedHtml does it.
    expect(JSON.parse(Buffer.concat(presentMessageJson(m).pieces).toString()).bodyHtml).toContain('/api/attachments/41');
  });

  it('has a digest that changes with any member', async () => {
    const { deps } = depsWith(new Map([[1, meta(1)]]));
    const m = await readMessage(deps, OWNER, 1);
    const base = presentMessageJson(m).digest;
    expect(presentMessageJson({ ...m }).digest).toBe(base);
    expect(presentMessageJson({ ...m, isRead: true }).digest).not.toBe(base);
    expect(presentMessageJson({ ...m, bodies: { ...m.bodies, digest: 'other' } }).digest).not.toBe(base);
  });
});

describe('readMessage and BodyJsonCache', () => {
  it('makes the bodies once: later reads get the same bytes without reading the bodies again', async () => {
    const { deps, calls } = depsWith(new Map([[1, meta(1)]]));
    const first = await readMessage(deps, OWNER, 1);
    const second = await readMessage(deps, OWNER, 1);
    expect(calls).toEqual({ meta: 2, bodies: 1 });
    expect(second.bodies).toBe(first.bodies);
    expect(Buffer.concat(second.bodies.text).toString()).toBe(JSON.stringify(BODIES.bodyText));
  });

  it('shares one making between concurrent reads', async () => {
    const { deps, calls } = depsWith(new Map([[1, meta(1)]]));
    const reads = await Promise.all(Array.from({ length: 8 }, () => readMessage(deps, OWNER, 1)));
    expect(calls.bodies).toBe(1);
    expect(new Set(reads.map((r) => r.bodies)).size).toBe(1);
  });

  it('sees the row every time: flags that changed show, the bodies stay kept', async () => {
    const rows = new Map([[1, meta(1)]]);
    const { deps, calls } = depsWith(rows);
    await readMessage(deps, OWNER, 1);
    rows.set(1, meta(1, { isRead: true, folderId: 9 }));
    const again = await readMessage(deps, OWNER, 1);
    expect(again).toMatchObject({ isRead: true, folderId: 9 });
    expect(calls.bodies).toBe(1);
  });

  it('is not-found for another user, also when the message is kept, and never reads its bodies', async () => {
    const { deps, calls } = depsWith(new Map([[1, meta(1)]]));
    await readMessage(deps, OWNER, 1);
    await expect(readMessage(deps, OWNER + 1, 1)).rejects.toMatchObject({ kind: 'notFound' });
    await expect(readMessage(deps, OWNER + 1, 2)).rejects.toMatchObject({ kind: 'notFound' });
    expect(calls.bodies).toBe(1);
  });

  it('makes the bodies again for a row whose raw bytes are not the kept ones', async () => {
    const rows = new Map([[1, meta(1)]]);
    const { deps, calls } = depsWith(rows);
    await readMessage(deps, OWNER, 1);
    rows.set(1, meta(1, { rawSha256: 'another' }));
    await readMessage(deps, OWNER, 1);
    expect(calls.bodies).toBe(2);
  });

  it('stays within its bound in bytes, the least recently read going first', async () => {
    const rows = new Map([1, 2, 3, 4].map((id) => [id, meta(id)]));
    const { deps } = depsWith(rows);
    const one = (await readMessage(deps, OWNER, 1)).bodies.bytes;
    // Room for two messages' bodies, not three.
    const { deps: small, calls, cache } = depsWith(rows, new BodyJsonCache(one * 2 + 1));
    for (const id of [1, 2, 3]) await readMessage(small, OWNER, id);
    expect(cache.size).toBe(2);
    await readMessage(small, OWNER, 3);
    await readMessage(small, OWNER, 2);
    expect(calls.bodies).toBe(3);
    await readMessage(small, OWNER, 1);
    expect(calls.bodies).toBe(4);
    expect(cache.size).toBe(2);
    // Bodies bigger than the whole bound are served and not kept.
    const { deps: tiny, calls: tinyCalls, cache: tinyCache } = depsWith(rows, new BodyJsonCache(10));
    await readMessage(tiny, OWNER, 1);
    await readMessage(tiny, OWNER, 1);
    expect(tinyCalls.bodies).toBe(2);
    expect(tinyCache.size).toBe(0);
  });

  it('does not keep a message whose HTML could not be sanitised: the next read tries again', async () => {
    let failing = true;
    const flaky: HtmlSanitizer = { sanitize: async (k, html) => (failing ? '' : stripScripts.sanitize(k, html)), close: async () => {} };
    const { deps, calls } = depsWith(new Map([[1, meta(1)]]), new BodyJsonCache(), flaky);
    expect(JSON.parse(Buffer.concat((await readMessage(deps, OWNER, 1)).bodies.html).toString())).toBe('');
    failing = false;
    expect(JSON.parse(Buffer.concat((await readMessage(deps, OWNER, 1)).bodies.html).toString())).toContain('Thanks');
    await readMessage(deps, OWNER, 1);
    expect(calls.bodies).toBe(2);
  });
});
