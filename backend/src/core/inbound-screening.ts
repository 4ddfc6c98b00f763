// screenDelivery: what the content scanners' verdict does to one inbound
// delivery, before anything is stored. A virus is refused (554 5.7.1), spam
// at or over SPAM_REJECT_SCORE too (550 5.7.1); other spam goes to every
// recipient's Spam folder with SpamAssassin's X-Spam-* fields on top of the
// stored bytes. A scanner that cannot answer fails the delivery for now
// (451 4.3.0): mail is never let through unscanned.
import type { Config } from '../config/config.js';
import { permFail } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import type { ContentScanner, SpamVerdict } from '../scanning/scan-verdict.js';
import { scannerFailureOf } from '../scanning/scanner-failure.js';
import { spamHeaderBytes } from '../scanning/spam-headers.js';
import type { MailStore } from '../storage/mail-store.js';
import type { EventBus } from './event-bus.js';
import type { DeliveryTarget } from './ingest-message.js';

export interface ScreeningDeps {
  scanner: ContentScanner | null;
  config: Pick<Config, 'scanners'>;
  store: { folders: Pick<MailStore['folders'], 'findByKind'> };
  events: EventBus;
  log: Logger;
}

/** Who sent it and from where, for the events and the log. */
export interface DeliveryEnvelope {
  mailFrom: string;
  recipients: string[];
  remoteAddress: string;
  sessionId: string;
}

export interface ScreenedDelivery {
  /** the bytes to store: the received ones, with the X-Spam-* fields on top when spam */
  raw: Buffer;
  targets: DeliveryTarget[];
  /** set when the message goes to Spam folders (the caller announces it once stored) */
  spam: SpamVerdict | null;
}

export async function screenDelivery(
  deps: ScreeningDeps, raw: Buffer, targets: DeliveryTarget[], envelope: DeliveryEnvelope,
): Promise<ScreenedDelivery> {
  if (!deps.scanner) return { raw, targets, spam: null };
  const verdict = await deps.scanner.scan(raw).catch((err: unknown) => {
    const failure = scannerFailureOf(err);
    if (failure) {
      deps.events.publish('scanner.failed', { scanner: failure.scanner, reason: failure.reason });
      deps.log.warn({ sessionId: envelope.sessionId, ...failure }, 'content scan failed; delivery deferred');
    }
    throw err;
  });
  deps.events.publish('content.scanned', { spam: verdict.spam?.isSpam ?? null, virus: verdict.virus?.infected ?? null });
  if (verdict.virus?.infected) {
    const virus = verdict.virus.name ?? 'unknown';
    deps.events.publish('virus.detected', { virus, ...envelope });
    deps.log.info({ sessionId: envelope.sessionId, virus }, 'virus found; message refused');
    throw permFail('virus_found', `Message refused: it contains a virus (${virus})`);
  }
  const spam = verdict.spam;
  if (!spam?.isSpam) return { raw, targets, spam: null };
  const rejectScore = deps.config.scanners.spamassassin?.rejectScore ?? null;
  if (rejectScore !== null && spam.score >= rejectScore) {
    deps.events.publish('spam.detected', { action: 'rejected', ...spamFacts(spam), ...envelope, messageIds: [] });
    deps.log.info({ sessionId: envelope.sessionId, score: spam.score }, 'spam over the reject score; message refused');
    throw permFail('spam_rejected', 'Message refused as spam');
  }
  return { raw: Buffer.concat([spamHeaderBytes(spam), raw]), targets: await toSpamFolders(deps, targets), spam };
}

/** After the commit: the spam that went to Spam folders, with the ids of the stored copies. */
export function announceSpam(deps: Pick<ScreeningDeps, 'events'>, spam: SpamVerdict, envelope: DeliveryEnvelope, messageIds: number[]): void {
  deps.events.publish('spam.detected', { action: 'spam_folder', ...spamFacts(spam), ...envelope, messageIds });
}

const spamFacts = (v: SpamVerdict) => ({ score: v.score, required: v.required, tests: v.tests });

async function toSpamFolders(deps: ScreeningDeps, targets: DeliveryTarget[]): Promise<DeliveryTarget[]> {
  return Promise.all(
    targets.map(async (t) => {
      const spamFolder = await deps.store.folders.findByKind(t.recipient.userId, 'spam');
      // Every account has a Spam folder; one that lost it still gets its mail, in the Inbox.
      return spamFolder ? { ...t, folderId: spamFolder.id } : t;
    }),
  );
}
