// Indexes the mail stored before the search index existed, and new mail whose
// entries an earlier process lost before indexing them (a crash between a
// delivery and its index batch), newest first (the mail people search for),
// in small transactions between the server's other work. The tokenizer is
// ours (mail/search/), so this cannot be SQL in a migration. New mail never
// waits for it: the store indexes what it delivers. Copies made outside a
// delivery (IMAP COPY) are indexed by indexStoredMessages just after their
// commit.
import { indexedDocument, searchDocument } from '../mail/search/search-document.js';
import type { Logger } from '../shared/logger.js';
import type { SearchIndexStore, SearchText, UnindexedMessage } from '../storage/mail-store.js';

export interface SearchBackfill {
  /** resolves when the backfill is done or stopped */
  readonly done: Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 200;

export function startSearchBackfill(index: SearchIndexStore, log: Logger): SearchBackfill {
  let stopped = false;
  const done = (async () => {
    let indexed = 0;
    for (;;) {
      if (stopped) return indexed;
      const pending = await index.pending(BATCH);
      if (pending.length === 0) break;
      await index.add(pending.map(entryOf));
      indexed += pending.length;
      // Let SMTP, HTTP and sockets run between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (indexed > 0) log.info({ indexed }, 'search index: older mail indexed');
    return indexed;
  })().catch((err: unknown) => {
    log.error({ err }, 'search index: indexing older mail failed; it resumes at the next start');
    return 0;
  });
  return {
    done,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

/**
 * Indexes messages stored outside a delivery, in batches between the server's
 * other work. A failure leaves them for the next start's backfill.
 */
export async function indexStoredMessages(index: SearchIndexStore, ids: readonly number[], log: Logger): Promise<void> {
  try {
    for (let i = 0; i < ids.length; i += BATCH) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      const messages = await index.messages(ids.slice(i, i + BATCH));
      await index.add(messages.map(entryOf));
    }
  } catch (err) {
    log.error({ err, messages: ids.length }, 'search index: indexing copied mail failed; it is indexed at the next start');
  }
}

function entryOf(m: UnindexedMessage): { id: number; text: SearchText } {
  return { id: m.id, text: indexedDocument(searchDocument(m)) };
}
