// Messages between the main thread and the ingest worker thread.
import type { SearchText } from '../../mail-store.js';
import type { NewMessageCopy, NewOutbound, NewStatus, SmallBlobRow, StoredCopy } from './delivery-sql.js';

export type { NewStatus, SmallBlobRow };

export interface WorkerOptions {
  filePath: string;
  busyTimeoutMs: number;
  /** the blob store's root directory (DATA_DIR/blobs) */
  blobRoot: string;
  /** default CHECKPOINT_EVERY_MS (checkpoints.ts); tests make it short */
  checkpointEveryMs?: number;
}

export interface DeliveryRows {
  copies: NewMessageCopy[];
  /** small blobs the copies name, stored in the same transaction (an existing one is kept) */
  smallBlobs?: SmallBlobRow[];
  outbound?: NewOutbound | null;
  /** blobs pinned by putBlobs for this delivery, released once it is committed */
  pinned?: string[];
  /** every copy's search entry, indexed in a later batch (search-index-queue.ts) */
  searchText?: SearchText | null;
}

export interface CommittedRows {
  copies: StoredCopy[];
  outboundId: number | null;
}

export interface CommitBody {
  now: Date;
  deliveries: DeliveryRows[];
}

export type IngestRequest =
  /** stores each blob durably and pins it; answers StoredBlob[] in order */
  | { id: number; kind: 'putBlobs'; blobs: Uint8Array[]; hashes: (string | null)[] }
  /** one transaction for all deliveries; answers CommittedRows[] in order (encodeCommit says why three parts) */
  | { id: number; kind: 'commit'; json: string; texts: string[]; contents: Uint8Array[] }
  /** a sent message's first delivery statuses, in a transaction of their own */
  | { id: number; kind: 'addStatuses'; rows: NewStatus[] }
  /** a delivery that will not be committed: unpins its blobs, removes those it created if unneeded */
  | { id: number; kind: 'discard'; pinned: string[]; created: string[] }
  /** removes the blobs no row references and no pending write needs; answers the hashes removed */
  | { id: number; kind: 'removeBlobs'; hashes: string[] }
  /** indexes for search every delivered copy not indexed yet (search-index-queue.ts) */
  | { id: number; kind: 'flushSearch' };

// A commit body crosses threads as JSON, which clones far faster than the
// objects. The copies' long texts travel beside it, each cloned as it is: one
// character beyond Latin-1 (the snippet's ellipsis, an emoji in a subject)
// makes the whole JSON text two bytes a character, and every body in it too.
// Small blobs' bytes travel as exact-size copies, moved rather than cloned: a
// clone of a view would carry the whole (pooled) buffer behind it.
const TEXT_FIELDS = ['subject', 'snippet', 'bodyText', 'untrustedHtml'] as const;
const SEARCH_FIELDS = ['subject', 'sender', 'recipients', 'body', 'attachments'] as const;

export interface EncodedCommit {
  json: string;
  texts: string[];
  contents: Uint8Array[];
}

export function encodeCommit(body: CommitBody): EncodedCommit {
  const texts: string[] = [];
  const contents: Uint8Array[] = [];
  const deliveries = body.deliveries.map((d) => ({
    ...d,
    smallBlobs: d.smallBlobs?.map((b) => {
      contents.push(new Uint8Array(b.content));
      return { sha256: b.sha256 };
    }),
    copies: d.copies.map((c) => {
      for (const f of TEXT_FIELDS) texts.push(c[f]);
      return { ...c, subject: '', snippet: '', bodyText: '', untrustedHtml: '' };
    }),
    // The tokenized body is as long as the body: it travels beside the JSON too.
    searchText: d.searchText ? pushSearchText(d.searchText, texts) : d.searchText,
  }));
  return { json: JSON.stringify({ now: body.now, deliveries }), texts, contents };
}

/** The search text's fields go to `texts`; the JSON keeps only that there is one. */
function pushSearchText(text: SearchText, texts: string[]): true {
  for (const f of SEARCH_FIELDS) texts.push(text[f]);
  return true;
}

/** encodeCommit undone: dates are Dates again, the texts and blob bytes back in place. */
export function decodeCommit({ json, texts, contents }: EncodedCommit): CommitBody {
  const body = JSON.parse(json) as Omit<CommitBody, 'deliveries'> & { deliveries: Array<Omit<DeliveryRows, 'searchText'> & { searchText: unknown }> };
  body.now = new Date(body.now);
  let next = 0;
  let nextContent = 0;
  for (const d of body.deliveries) {
    for (const b of d.smallBlobs ?? []) b.content = contents[nextContent++]!;
    for (const c of d.copies) {
      c.sentAt = new Date(c.sentAt);
      c.createdAt = new Date(c.createdAt);
      for (const f of TEXT_FIELDS) c[f] = texts[next++]!;
    }
    if (d.searchText) {
      const text = {} as SearchText;
      for (const f of SEARCH_FIELDS) text[f] = texts[next++]!;
      d.searchText = text;
    }
  }
  return body as CommitBody;
}
