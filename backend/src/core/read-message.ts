// Opening one message (GET /api/messages/:id): the row without its bodies on
// every read, the bodies as JSON text made once and kept. A message's bodies
// never change, and a big HTML mail read by eight clients in a loop was eight
// multi-megabyte rows through Prisma and eight JSON.stringify calls of
// several megabytes, each holding the event loop while /health and SMTP
// waited. Now a read costs a small row and the bytes already made.
import { createHash } from 'node:crypto';
import type { HtmlSanitizer } from '../mail/sanitize-pool/html-sanitizer.js';
import { LruCache } from '../mail/lru-cache.js';
import { foldsFor, type TextFold } from '../mail/quoted-text.js';
import { notFound } from '../shared/app-error.js';
import { jsonStringPieces } from '../shared/json-text.js';
import type { MailStore } from '../storage/mail-store.js';
import type { MessageMetaRecord } from '../storage/records.js';
import { servedHtml } from './presenters.js';

/** A message's bodies as served, ready to write. */
export interface BodyJson {
  /** bodyText as a JSON string literal, in UTF-8 pieces */
  text: Buffer[];
  /** the served HTML (sanitised, cid: links resolved), likewise */
  html: Buffer[];
  quotedRanges: TextFold[];
  /** of text and html together */
  bytes: number;
  /** sha1 of text then html, base64 */
  digest: string;
}

export type ReadableMessage = MessageMetaRecord & { bodies: BodyJson };

export interface ReadMessageDeps {
  store: Pick<MailStore, 'messages'>;
  htmlSanitizer: HtmlSanitizer;
  bodyJson: BodyJsonCache;
}

/** The user's message; not-found for anything that is not theirs. */
export async function readMessage(deps: ReadMessageDeps, userId: number, id: number): Promise<ReadableMessage> {
  // The owner check comes first, on every read: the kept bodies are only looked up for the owner's own row.
  const meta = await deps.store.messages.getMeta(userId, id);
  if (!meta) throw notFound('message');
  const bodies = await deps.bodyJson.get(meta, () => makeBodyJson(deps, meta));
  return { ...meta, bodies };
}

async function makeBodyJson(deps: ReadMessageDeps, meta: MessageMetaRecord): Promise<{ json: BodyJson; keep: boolean }> {
  const stored = await deps.store.messages.getBodies(meta.userId, meta.id);
  // Deleted between the two reads.
  if (!stored) throw notFound('message');
  const safeHtml = await deps.htmlSanitizer.sanitize(meta.rawSha256, stored.untrustedHtml);
  const hash = createHash('sha1');
  const text = await jsonStringPieces(stored.bodyText, { hash });
  const html = await jsonStringPieces(servedHtml({ safeHtml, attachments: meta.attachments }), { hash });
  const json: BodyJson = {
    text, html, quotedRanges: foldsFor(meta.rawSha256, stored.bodyText),
    bytes: byteLength(text) + byteLength(html), digest: hash.digest('base64'),
  };
  // A sanitise that failed is served without HTML and tried again on the next read (html-sanitizer.ts): not kept.
  return { json, keep: !(stored.untrustedHtml && !safeHtml) };
}

/**
 * Bodies as JSON text by message id, bounded in bytes (least recently read
 * go first); concurrent reads of one message share a single making. Ids are
 * never reused (AUTOINCREMENT, SERIAL), and an entry also names the raw
 * bytes it was made from, so a row that is not the one it was made for
 * never gets it. A message deleted for good is no longer found by its
 * owner's read, which comes first; its entry ages out.
 */
export class BodyJsonCache {
  private readonly kept: LruCache<number, { rawSha256: string; json: BodyJson }>;
  private readonly making = new Map<number, Promise<BodyJson>>();

  /** `maxBytes`: default 32 MiB, a handful of the biggest mails */
  constructor(maxBytes = 32 * 1024 * 1024) {
    this.kept = new LruCache(maxBytes, (e) => e.json.bytes);
  }

  get(meta: Pick<MessageMetaRecord, 'id' | 'rawSha256'>, make: () => Promise<{ json: BodyJson; keep: boolean }>): Promise<BodyJson> {
    const hit = this.kept.get(meta.id);
    if (hit && hit.rawSha256 === meta.rawSha256) return Promise.resolve(hit.json);
    let running = this.making.get(meta.id);
    if (!running) {
      running = make()
        .then(({ json, keep }) => {
          if (keep) this.kept.set(meta.id, { rawSha256: meta.rawSha256, json });
          return json;
        })
        .finally(() => this.making.delete(meta.id));
      this.making.set(meta.id, running);
    }
    return running;
  }

  get size(): number {
    return this.kept.size;
  }
}

function byteLength(pieces: readonly Buffer[]): number {
  return pieces.reduce((n, p) => n + p.length, 0);
}
