// The user decides: a message moved into Spam is spam, one moved out of Spam
// (anywhere but Trash: deleting spam says nothing about it) is ham. Each
// move is told to spamd (TELL, Set: local) so its Bayes database learns,
// one message at a time, off every request path: the move itself never
// waits for spamd, and a spamd that is down costs a log line, not the move.
import type { Logger } from '../shared/logger.js';
import type { ContentScanner, LearnClass } from '../scanning/scan-verdict.js';
import { scannerFailureOf } from '../scanning/scanner-failure.js';
import type { MailStore } from '../storage/mail-store.js';
import type { MessageRecord } from '../storage/records.js';
import type { EventBus } from './event-bus.js';

export interface SpamLearningDeps {
  scanner: Pick<ContentScanner, 'learn'>;
  store: { folders: Pick<MailStore['folders'], 'findByKind'>; blobs: Pick<MailStore['blobs'], 'read'> };
  events: EventBus;
  log: Logger;
}

export interface SpamLearning {
  /** unsubscribes and waits for the lessons already started */
  stop(): Promise<void>;
}

export function startSpamLearning(deps: SpamLearningDeps): SpamLearning {
  let queue: Promise<void> = Promise.resolve();
  const off = deps.events.subscribe('messages.updated', ({ userId, updates }) => {
    for (const { message, previousFolderId } of updates) {
      if (message.folderId === previousFolderId) continue;
      // One lesson at a time: a user emptying a Spam folder of hundreds must not flood spamd.
      queue = queue.then(() => teach(deps, userId, message, previousFolderId));
    }
  });
  return {
    async stop() {
      off();
      await queue;
    },
  };
}

async function teach(deps: SpamLearningDeps, userId: number, message: MessageRecord, previousFolderId: number): Promise<void> {
  const as = await lessonOf(deps, userId, message.folderId, previousFolderId).catch((err: unknown) => {
    deps.log.warn({ err, messageId: message.id }, 'could not tell whether a move concerns Spam');
    return null;
  });
  if (!as) return;
  try {
    const answer = await deps.scanner.learn(await deps.store.blobs.read(message.rawSha256), as);
    deps.events.publish('spam.learned', { userId, messageId: message.id, as, learned: answer?.learned ?? null });
    deps.log.info({ messageId: message.id, as, answer }, 'told spamd');
  } catch (err) {
    const failure = scannerFailureOf(err);
    deps.events.publish('spam.learned', { userId, messageId: message.id, as, learned: null, error: failure?.reason ?? 'error' });
    deps.log.warn({ messageId: message.id, as, err: failure ?? err }, 'could not tell spamd');
  }
}

/** 'spam' into Spam, 'ham' out of Spam into anything but Trash, else nothing to learn. */
async function lessonOf(deps: SpamLearningDeps, userId: number, to: number, from: number): Promise<LearnClass | null> {
  const spam = await deps.store.folders.findByKind(userId, 'spam');
  if (!spam) return null;
  if (to === spam.id) return 'spam';
  if (from !== spam.id) return null;
  const trash = await deps.store.folders.findByKind(userId, 'trash');
  return to === trash?.id ? null : 'ham';
}
