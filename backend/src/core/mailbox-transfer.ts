// Moving mail in and out as mbox (mboxrd) and maildir (docs/search.md
// "Import and export"). An export is the bytes GET /raw serves, with the
// flags; an import goes through ingestMessage like mail arriving (parsed,
// threaded, quota, index, new_email), never adds a trace header (the message
// got one when it first arrived, so export, import, export gives the same
// bytes) and never sends anything. A damaged file imports what it can; the
// rest is reported, with where it was in the file.
import { readMaildir } from '../mail/mailbox-formats/maildir-reader.js';
import { writeMaildir } from '../mail/mailbox-formats/maildir-writer.js';
import type { ExportMessage, ImportProblem, MailboxEntry } from '../mail/mailbox-formats/mailbox-message.js';
import { readMboxrd } from '../mail/mailbox-formats/mboxrd-reader.js';
import { writeMboxrd } from '../mail/mailbox-formats/mboxrd-writer.js';
import { isAppError, notFound } from '../shared/app-error.js';
import type { MailStore } from '../storage/mail-store.js';
import type { FolderWithCounts } from '../storage/records.js';
import { ingestMessage, type IngestDeps } from './ingest-message.js';
import type { RecipientResolver } from './recipients.js';

export interface TransferDeps extends IngestDeps {
  store: Pick<MailStore, 'openDelivery' | 'folders' | 'messages' | 'blobs'>;
  recipients: Pick<RecipientResolver, 'resolveLocal'>;
}

/** What an import did: every message of the file is imported, failed or reported skipped. */
export interface ImportReport {
  imported: number;
  failed: number;
  /** the first MAX_REPORTED problems (skipped input, messages that failed, warnings) */
  problems: ImportProblem[];
  /** problems past MAX_REPORTED, counted only */
  moreProblems: number;
}

export const MAX_REPORTED = 100;
/** Messages ingested at once: their commits share the store's group commit. */
const IMPORT_WINDOW = 8;
const EXPORT_PAGE = 200;

/** A folder of the user's by its name or kind (inbox, sent, ...), case-insensitively. */
export async function folderNamed(deps: Pick<TransferDeps, 'store'>, userId: number, name: string): Promise<FolderWithCounts> {
  const folders = await deps.store.folders.listWithCounts(userId);
  const wanted = name.toLowerCase();
  const folder = folders.find((f) => f.name.toLowerCase() === wanted) ?? folders.find((f) => f.kind === wanted);
  if (!folder) throw notFound('folder');
  return folder;
}

/** The messages to export (of one folder, or all) and how many there are; the folder is checked before anything is written. */
export async function openExport(
  deps: Pick<TransferDeps, 'store'>, userId: number, folderId: number | null,
): Promise<{ total: number; messages: AsyncIterable<ExportMessage> }> {
  const folders = await deps.store.folders.listWithCounts(userId);
  const chosen = folderId === null ? folders : folders.filter((f) => f.id === folderId);
  if (chosen.length === 0) throw notFound('folder');
  return { total: chosen.reduce((n, f) => n + f.totalCount, 0), messages: exportedMessages(deps, userId, folderId) };
}

async function* exportedMessages(deps: Pick<TransferDeps, 'store'>, userId: number, folderId: number | null): AsyncGenerator<ExportMessage> {
  for (let after = 0; ;) {
    const page = await deps.store.messages.listForExport(userId, folderId, after, EXPORT_PAGE);
    if (page.length === 0) return;
    for (const m of page) {
      // The bytes GET /raw serves: the trace header, then the message as received.
      const raw = Buffer.concat([Buffer.from(m.receivedHeader, 'latin1'), await deps.store.blobs.read(m.rawSha256)]);
      yield { raw, flags: { read: m.isRead, starred: m.isStarred }, receivedAt: m.createdAt, envelopeFrom: m.fromEmail };
    }
    after = page[page.length - 1]!.id;
  }
}

/** The export as an mboxrd byte stream, one buffer per message. */
export function mboxStream(messages: AsyncIterable<ExportMessage>, onMessage?: () => void): AsyncIterable<Buffer> {
  return writeMboxrd(counted(messages, onMessage));
}

/** Writes the export as a maildir at `dir` (created); how many messages. */
export function writeMaildirExport(dir: string, messages: AsyncIterable<ExportMessage>, onMessage?: () => void): Promise<number> {
  return writeMaildir(dir, counted(messages, onMessage));
}

async function* counted<T>(items: AsyncIterable<T>, onItem?: () => void): AsyncGenerator<T> {
  for await (const item of items) {
    yield item;
    onItem?.();
  }
}

export function mboxEntries(source: AsyncIterable<Uint8Array | string>, maxMessageBytes: number): AsyncIterable<MailboxEntry> {
  return readMboxrd(source, { maxMessageBytes });
}

export function maildirEntries(dir: string, maxMessageBytes: number): AsyncIterable<MailboxEntry> {
  return readMaildir(dir, { maxMessageBytes });
}

/**
 * Imports every message of `entries` into the folder (null: the Inbox) of
 * the user with this address. `onProgress` hears how many messages were
 * handled so far.
 */
export async function importMailbox(
  deps: TransferDeps, email: string, folderId: number | null, entries: AsyncIterable<MailboxEntry>, onProgress?: (handled: number) => void,
): Promise<ImportReport> {
  const recipient = await deps.recipients.resolveLocal(email);
  const target = folderId ?? recipient.inboxFolderId;
  if (!(await deps.store.folders.findOwned(recipient.userId, target))) throw notFound('folder');
  const report: ImportReport = { imported: 0, failed: 0, problems: [], moreProblems: 0 };
  const note = (p: ImportProblem) => {
    if (report.problems.length < MAX_REPORTED) report.problems.push(p);
    else report.moreProblems++;
  };
  const running = new Set<Promise<void>>();
  let handled = 0;
  for await (const entry of entries) {
    if (entry.kind === 'problem') {
      note(entry.problem);
      continue;
    }
    const { message, line, file } = entry;
    const where = { ...(line !== undefined ? { line } : {}), ...(file !== undefined ? { file } : {}) };
    if (message.deleted) {
      note({ severity: 'skipped', code: 'marked_deleted', message: 'marked deleted in the mailbox: not imported', ...where });
      continue;
    }
    const one = ingestMessage(deps, {
      raw: message.raw,
      targets: [{ recipient, folderId: target, source: 'import', flags: message.flags }],
      trace: { helo: 'import', remoteAddress: '127.0.0.1', hostname: 'import', protocol: 'import', sessionId: 'import', mailFrom: message.envelopeFrom ?? '' },
      enforceQuota: true,
      imported: { receivedAt: message.receivedAt },
    }).then(
      () => {
        report.imported++;
      },
      (err: unknown) => {
        report.failed++;
        const reason = isAppError(err) ? err.message : 'the message could not be stored';
        note({ severity: 'skipped', code: 'not_stored', message: reason, ...where });
      },
    ).finally(() => {
      running.delete(one);
      onProgress?.(++handled);
    });
    running.add(one);
    if (running.size >= IMPORT_WINDOW) await Promise.race(running);
  }
  await Promise.all(running);
  return report;
}
