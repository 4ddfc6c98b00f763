// Seeds one user's Inbox for bench:read through the storage engine itself
// (openDelivery → commit, the ingest worker's group commit, the summaries
// kept as on any delivery), not over SMTP: the bench measures reading.
//
// Threads are interleaved in time like a busy inbox: message i goes to thread
// 1 + (i mod (threads-1)), each a reply to the one before it in its thread,
// so every thread's newest message is spread through the folder. Thread 0
// (the oldest messages) has exactly OPEN_THREAD_SIZE messages: the one the
// bench opens. A third of the mail is read.
import { indexedDocument, searchDocument } from '../../backend/src/mail/search/search-document.js';
import bcrypt from 'bcrypt';
import type { CopyDraft } from '../../backend/src/storage/mail-store.js';
import { openSqliteStore } from '../../backend/src/storage/sqlite/sqlite-store.js';

export const OPEN_THREAD_SIZE = 50;
/** in about one message in 20,000 */
export const RARE_WORD = 'zanzibarite';
/** in every third message */
export const COMMON_WORD = 'quarterly';
/** the two words next to each other in one message in 100; both also appear apart elsewhere */
export const PHRASE = 'budget review';

const COPIES_PER_DELIVERY = 100;
const IN_FLIGHT = 4;
const WORDS = ['meeting', 'notes', 'invoice', 'travel', 'plans', 'draft', 'release', 'team', 'lunch', 'report', 'review', 'budget'];

export interface Seeded {
  email: string;
  password: string;
  openThreadId: number;
  seconds: number;
}

export async function seedInbox(dataDir: string, messages: number, threads: number, log: (line: string) => void): Promise<Seeded> {
  const started = process.hrtime.bigint();
  const store = await openSqliteStore({
    filePath: `${dataDir}/chitbox.db`, busyTimeoutMs: 10_000, blobRoot: `${dataDir}/blobs`, inlineMaxBytes: 65_536, searchTimeoutMs: 60_000,
  });
  const email = 'reader@bench.test';
  const password = 'benchpassword1';
  try {
    const user = await store.users.create({ email, name: 'Reader', passwordHash: bcrypt.hashSync(password, 4) });
    const inbox = (await store.folders.findByKind(user.id, 'inbox'))!.id;
    const perThread = new Map<number, number>();
    const base = Date.UTC(2025, 0, 1);
    let openThreadId = 0;
    let next = 0;
    const draftOf = (i: number): CopyDraft => {
      const t = threadOf(i, threads);
      const j = perThread.get(t) ?? 0;
      perThread.set(t, j + 1);
      const at = new Date(base + i * 1000);
      return {
        userId: user.id, folderId: inbox, messageId: `t${t}.${j}@bench.test`, inReplyTo: j > 0 ? `t${t}.${j - 1}@bench.test` : null,
        references: j > 0 ? [`t${t}.0@bench.test`] : [], fromEmail: `sender${t % 997}@remote.test`, fromName: `Sender ${t % 997}`,
        to: [{ address: email, name: 'Reader' }], cc: [], subject: j > 0 ? `Re: Thread ${t}` : `Thread ${t}`,
        snippet: `Message ${i} of thread ${t}`, bodyText: bodyOf(i), untrustedHtml: '', isRead: i % 3 === 0,
        sentAt: at, createdAt: at, receivedHeader: 'Received: from bench\r\n', sizeBytes: 600, quotaBytes: null,
        mailbox: email, queueWebhook: false,
      };
    };
    const worker = async () => {
      while (next < messages) {
        const from = next;
        next = Math.min(messages, next + COPIES_PER_DELIVERY);
        const copies = Array.from({ length: next - from }, (_, k) => draftOf(from + k));
        const raw = Buffer.from(`Subject: bench ${from}\r\n\r\n${copies[0]!.bodyText}\r\n`);
        // A hundred different messages in one delivery: each gets its own index entry, as a delivery of one would.
        const { messages: stored } = await store.openDelivery(raw).commit({ copies, attachments: [], outbound: null, searchText: null });
        await store.searchIndex.add(stored.map((m, k) => ({ id: m.id, text: indexedDocument(searchDocument({ ...copies[k]!, attachmentNames: [] })) })));
        if (from === 0) openThreadId = stored[0]!.threadId;
        if (Math.floor(next / 100_000) > Math.floor(from / 100_000)) log(`seeded ${next} messages`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { email, password, openThreadId, seconds };
  } finally {
    await store.close();
  }
}

/** Thread 0 takes the first OPEN_THREAD_SIZE messages; the rest round-robin over the others. */
function threadOf(i: number, threads: number): number {
  return i < OPEN_THREAD_SIZE ? 0 : 1 + ((i - OPEN_THREAD_SIZE) % (threads - 1));
}

function bodyOf(i: number): string {
  const words = Array.from({ length: 40 }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]!);
  if (i % 3 === 0) words[5] = COMMON_WORD;
  if (i % 100 === 7) words.splice(10, 2, ...PHRASE.split(' '));
  if (i % 20_000 === 11) words[20] = RARE_WORD;
  return `Hello,\n\n${words.join(' ')}.\n\nRegards`;
}
