// Seeds one user's Inbox for bench:read through the storage engine itself
// (openDelivery → commit, the ingest worker's group commit, the summaries
// kept as on any delivery), not over SMTP: the bench measures reading.
//
// Threads are interleaved in time like a busy inbox: message i goes to thread
// 1 + (i mod (threads-1)), each a reply to the one before it in its thread,
// so every thread's newest message is spread through the folder. Thread 0
// (the oldest messages) has exactly OPEN_THREAD_SIZE messages: the one the
// bench opens. A third of the mail is read.
import bcrypt from 'bcrypt';
import { indexedDocument, searchDocument, type IndexedDocument } from '../../backend/src/mail/search/search-document.js';
import { indexText } from '../../backend/src/mail/search/search-tokens.js';
import type { CopyDraft, MailStore } from '../../backend/src/storage/mail-store.js';
import { openSqliteStore } from '../../backend/src/storage/sqlite/sqlite-store.js';

export const OPEN_THREAD_SIZE = 50;
/** in about one message in 20,000 */
export const RARE_WORD = 'zanzibarite';
/** in every third message */
export const COMMON_WORD = 'quarterly';
/** the two words next to each other in one message in 100; both also appear apart elsewhere */
export const PHRASE = 'budget review';

export const SEED_EMAIL = 'reader@bench.test';
export const SEED_PASSWORD = 'benchpassword1';

const COPIES_PER_DELIVERY = 100;
const IN_FLIGHT = 4;
const WORDS = ['meeting', 'notes', 'invoice', 'travel', 'plans', 'draft', 'release', 'team', 'lunch', 'report', 'review', 'budget'];

export interface Seeded {
  email: string;
  password: string;
  openThreadId: number;
  seconds: number;
}

/** One delivery of the seed: COPIES_PER_DELIVERY different messages stored under one raw message. */
export interface SeedDelivery {
  /** the index of its first message */
  from: number;
  raw: Buffer;
  copies: CopyDraft[];
}

/**
 * The seed's deliveries in order, each message's fields a function of its
 * index alone: both engines, and the PostgreSQL bulk load
 * (read-seed-pg.ts), store exactly these.
 */
export function* seedDeliveries(userId: number, inbox: number, email: string, messages: number, threads: number): Generator<SeedDelivery> {
  const perThread = new Map<number, number>();
  const base = Date.UTC(2025, 0, 1);
  const draftOf = (i: number): CopyDraft => {
    const t = threadOf(i, threads);
    const j = perThread.get(t) ?? 0;
    perThread.set(t, j + 1);
    const at = new Date(base + i * 1000);
    return {
      userId, folderId: inbox, messageId: `t${t}.${j}@bench.test`, inReplyTo: j > 0 ? `t${t}.${j - 1}@bench.test` : null,
      references: j > 0 ? [`t${t}.0@bench.test`] : [], fromEmail: `sender${t % 997}@remote.test`, fromName: `Sender ${t % 997}`,
      to: [{ address: email, name: 'Reader' }], cc: [], subject: j > 0 ? `Re: Thread ${t}` : `Thread ${t}`,
      snippet: `Message ${i} of thread ${t}`, bodyText: bodyOf(i), untrustedHtml: '', isRead: i % 3 === 0,
      sentAt: at, createdAt: at, receivedHeader: 'Received: from bench\r\n', sizeBytes: 600, quotaBytes: null,
      mailbox: email, queueWebhook: false,
    };
  };
  for (let from = 0; from < messages; from += COPIES_PER_DELIVERY) {
    const copies = Array.from({ length: Math.min(messages, from + COPIES_PER_DELIVERY) - from }, (_, k) => draftOf(from + k));
    yield { from, raw: Buffer.from(`Subject: bench ${from}\r\n\r\n${copies[0]!.bodyText}\r\n`), copies };
  }
}

/** The index entry the seed gives a message, as the search backfill would write it. */
export function seedSearchText(copy: CopyDraft): IndexedDocument {
  return indexedDocument(searchDocument({ ...copy, attachmentNames: [] }));
}

/**
 * seedSearchText for a million messages: indexedDocument's fields, each
 * through indexText (pure) remembered by its input. The seed's texts repeat
 * (a few dozen bodies, a thousand senders), and tokenizing is most of the
 * bulk seed's own time otherwise.
 */
export function seedSearchTexts(): (copy: CopyDraft) => IndexedDocument {
  const known = new Map<string, string>();
  const tokens = (text: string) => {
    let t = known.get(text);
    if (t === undefined) known.set(text, (t = indexText(text)));
    return t;
  };
  return (copy) => {
    const doc = searchDocument({ ...copy, attachmentNames: [] });
    return { subject: tokens(doc.subject), sender: tokens(doc.sender), recipients: tokens(doc.recipients), body: tokens(doc.body), attachments: tokens(doc.attachments) };
  };
}

export async function seedInbox(dataDir: string, messages: number, threads: number, log: (line: string) => void): Promise<Seeded> {
  const started = process.hrtime.bigint();
  const store = await openSqliteStore({
    filePath: `${dataDir}/chitbox.db`, busyTimeoutMs: 10_000, blobRoot: `${dataDir}/blobs`, inlineMaxBytes: 65_536, searchTimeoutMs: 60_000,
  });
  try {
    const seeded = await seedThroughStore(store, messages, threads, log);
    return { ...seeded, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    await store.close();
  }
}

/** Seeds an empty store through the engine: openDelivery → commit, then the search index, as any delivery and backfill. */
export async function seedThroughStore(store: MailStore, messages: number, threads: number, log: (line: string) => void): Promise<Omit<Seeded, 'seconds'>> {
  const user = await store.users.create({ email: SEED_EMAIL, name: 'Reader', passwordHash: bcrypt.hashSync(SEED_PASSWORD, 4) });
  const inbox = (await store.folders.findByKind(user.id, 'inbox'))!.id;
  const deliveries = seedDeliveries(user.id, inbox, SEED_EMAIL, messages, threads);
  let openThreadId = 0;
  const worker = async () => {
    // Taken in order, one at a time: a generator step is synchronous.
    for (let next = deliveries.next(); !next.done; next = deliveries.next()) {
      const { from, raw, copies } = next.value;
      const to = from + copies.length;
      // A hundred different messages in one delivery: each gets its own index entry, as a delivery of one would.
      const { messages: stored } = await store.openDelivery(raw).commit({ copies, attachments: [], outbound: null, searchText: null });
      await store.searchIndex.add(stored.map((m, k) => ({ id: m.id, text: seedSearchText(copies[k]!) })));
      if (from === 0) openThreadId = stored[0]!.threadId;
      if (Math.floor(to / 100_000) > Math.floor(from / 100_000)) log(`seeded up to message ${to}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { email: SEED_EMAIL, password: SEED_PASSWORD, openThreadId };
}

/** Thread 0 takes the first OPEN_THREAD_SIZE messages; the rest round-robin over the others. */
export function threadOf(i: number, threads: number): number {
  return i < OPEN_THREAD_SIZE ? 0 : 1 + ((i - OPEN_THREAD_SIZE) % (threads - 1));
}

function bodyOf(i: number): string {
  const words = Array.from({ length: 40 }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]!);
  if (i % 3 === 0) words[5] = COMMON_WORD;
  if (i % 100 === 7) words.splice(10, 2, ...PHRASE.split(' '));
  if (i % 20_000 === 11) words[20] = RARE_WORD;
  return `Hello,\n\n${words.join(' ')}.\n\nRegards`;
}
