// FETCH, STORE, EXPUNGE, COPY, MOVE, APPEND and SEARCH on the selected
// folder. imap-core has turned sequence numbers into UIDs and parsed the
// query; each handler asks the core, then writes the untagged responses.
import type { FetchQueryItem, IMAPServer, ImapSession } from '@zone-eu/wildduck/imap-core/index.js';
import type { Core } from '../core/core.js';
import type { Logger } from '../shared/logger.js';
import type { FlagAction, ImapMessageRecord, ImapMessageSource, UidMapping } from '../core/imap-mailbox.js';
import { fetchResponse, metadataLines, ResponseLines, sequenceNumbers, storeLines, writeStreamed } from './fetch-responses.js';
import { appendFlags, toFlagChange, toImapFlags } from './imap-flags.js';
import { userOf } from './imap-folder-handlers.js';
import { SelectedFolder } from './imap-notifier.js';
import { reply, replyWith } from './imap-replies.js';
import { parseInternalDate } from './internal-date.js';

type Done<T = unknown> = (err: Error | null, result?: T | string, info?: unknown) => void;

interface FetchOptions {
  query: FetchQueryItem[];
  messages: number[];
  markAsSeen: boolean;
  changedSince?: number;
  isUid: boolean;
}

interface StoreUpdate {
  value: string[];
  action: FlagAction;
  silent: boolean;
  messages: number[];
  unchangedSince?: number;
  isUid?: boolean;
}

// SEARCH keys answered from a message's flags, UID, size and dates, without its bytes.
const METADATA_SEARCH = new Set([
  'all', 'seen', 'unseen', 'flagged', 'unflagged', 'deleted', 'undeleted', 'answered', 'unanswered', 'draft', 'undraft',
  'keyword', 'unkeyword', 'uid', 'larger', 'smaller', 'before', 'on', 'since', 'modseq', 'not', 'or', 'new', 'old', 'recent',
]);

export function attachMessageHandlers(server: IMAPServer, core: Pick<Core, 'imap'>, log: Logger): void {
  server.onFetch = (mailbox: unknown, options: FetchOptions, session: ImapSession, done: Done) =>
    reply(fetch(core, selected(mailbox), options, session), done);

  server.onStore = (mailbox: unknown, update: StoreUpdate, session: ImapSession, done: Done) =>
    replyWith(store(core, selected(mailbox), update, session), done);

  server.onExpunge = (mailbox: unknown, update: { isUid: boolean; messages?: number[]; silent?: boolean }, session: ImapSession, done: Done) => {
    const { folderId, userId } = selected(mailbox);
    reply(
      core.imap.expunge(userId, folderId, update.isUid ? update.messages ?? [] : null).then((uids) => {
        if (!update.silent) for (const uid of uids) session.writeStream.write(session.formatResponse('EXPUNGE', uid));
        return true;
      }),
      done,
    );
  };

  server.onCopy = (_conn: unknown, mailbox: unknown, update: { destination: string; messages: number[] }, session: ImapSession, done: Done) => {
    const { folderId, userId } = selected(mailbox);
    replyWith(core.imap.copy(userId, folderId, update.messages, update.destination).then(copyUid), done);
  };

  server.onMove = (mailbox: unknown, update: { destination: string; messages: number[] }, session: ImapSession, done: Done) => {
    const { folderId, userId } = selected(mailbox);
    replyWith(
      core.imap.move(userId, folderId, update.messages, update.destination).then((moved) => {
        // RFC 6851 3.3: the moved messages leave the source folder as EXPUNGEs.
        for (const uid of moved.mapping.map((m) => m.sourceUid).sort((a, b) => a - b)) {
          session.writeStream.write(session.formatResponse('EXPUNGE', uid));
        }
        return copyUid(moved);
      }),
      done,
    );
  };

  server.onAppend = (path: string, flags: string[], date: string | false, raw: Buffer, session: ImapSession, done: Done) =>
    replyWith(core.imap.append(userOf(session), path, raw, appendFlags(flags), date ? parseInternalDate(date) : null), done);

  server.onSearch = (mailbox: unknown, options: { query: unknown; terms: string[] }, session: ImapSession, done: Done) =>
    reply(search(core, selected(mailbox), options, session), done);

  log.debug('imap: message handlers attached');
}

function selected(mailbox: unknown): SelectedFolder {
  if (!(mailbox instanceof SelectedFolder)) throw new Error('imap-core passed a mailbox this adapter did not open');
  return mailbox;
}

/** COPYUID (RFC 4315): what imap-core puts in the tagged OK. */
function copyUid(result: { uidValidity: number; mapping: UidMapping[] }) {
  return {
    uidValidity: result.uidValidity,
    sourceUid: result.mapping.map((m) => m.sourceUid),
    destinationUid: result.mapping.map((m) => m.uid),
  };
}

/** The new flags go out as FETCH responses (not with .SILENT, but MODSEQ under CONDSTORE); returns the UIDs UNCHANGEDSINCE kept. */
async function store(core: Pick<Core, 'imap'>, folder: SelectedFolder, update: StoreUpdate, session: ImapSession): Promise<number[]> {
  const change = toFlagChange(update.action, update.value, update.unchangedSince);
  const { changed, conflicts } = await core.imap.storeFlags(folder.userId, folder.folderId, update.messages, change);
  const condstore = !!(session.selected && session.selected.condstoreEnabled);
  if (!update.silent || condstore) {
    const line = storeLines({ uid: !!update.isUid, flags: !update.silent, modseq: condstore });
    const seqOf = sequenceNumbers(session.selected ? session.selected.uidList : []);
    const out = new ResponseLines(session);
    for (const m of changed) {
      const seq = seqOf(m.uid);
      if (seq) await out.add(line(seq, m));
    }
    await out.end();
  }
  // imap-core answers [MODIFIED] with these (RFC 7162 3.1.3).
  return conflicts;
}

async function fetch(core: Pick<Core, 'imap'>, folder: SelectedFolder, options: FetchOptions, session: ImapSession): Promise<boolean> {
  const { folderId, userId } = folder;
  // RFC 3501 6.4.5: BODY[] (not PEEK) sets \Seen; the flags go out with the response.
  if (options.markAsSeen) await core.imap.storeFlags(userId, folderId, options.messages, toFlagChange('add', ['\\Seen']));
  const seqOf = sequenceNumbers(session.selected ? session.selected.uidList : []);
  const line = metadataLines(options.query);
  if (line) {
    const out = new ResponseLines(session);
    for (const row of await core.imap.messages(userId, folderId, options.messages, options.changedSince)) {
      const seq = seqOf(row.uid);
      if (seq) await out.add(line(seq, row));
    }
    await out.end();
    return true;
  }
  // Anything else is answered from the bytes (ENVELOPE and BODYSTRUCTURE too), one message's at a time.
  for (const row of await core.imap.messageSources(userId, folderId, options.messages, options.changedSince)) {
    const seq = seqOf(row.uid);
    if (!seq) continue;
    const raw = await core.imap.raw(row);
    await writeStreamed(session, fetchResponse(seq, options.query, answer(options.query, row, raw, session)));
  }
  return true;
}

/**
 * The query's values for one message. BODY[] and RFC822 are the stored bytes
 * themselves (the same as /raw), not a message rebuilt from imap-core's MIME
 * tree: byte for byte, 8-bit and all. imap-core answers the other items, and
 * parses the message only when one of them needs its structure.
 */
function answer(query: FetchQueryItem[], row: ImapMessageRecord, raw: Buffer, session: ImapSession): unknown[] {
  const rest = query.filter((item) => !isWholeMessage(item));
  const values = rest.length > 0
    ? session.getQueryResponse(rest, asImapCoreMessage(row, raw), { acceptUTF8Enabled: session.isUTF8Enabled() })
    : [];
  if (rest.length === query.length) return values;
  let next = 0;
  return query.map((item) => (isWholeMessage(item) ? wholeMessage(item, raw) : values[next++]));
}

function isWholeMessage(item: FetchQueryItem): boolean {
  return (item.item === 'body' && item.path === '' && item.type === 'content') || item.item === 'rfc822';
}

function wholeMessage(item: FetchQueryItem, raw: Buffer): Buffer {
  if (!item.partial) return raw;
  const from = item.partial.startFrom;
  return raw.subarray(from, item.partial.maxLength ? from + item.partial.maxLength : undefined);
}

function asImapCoreMessage(row: ImapMessageRecord, raw: Buffer | undefined): Record<string, unknown> {
  return { uid: row.uid, modseq: row.modseq, flags: toImapFlags(row), idate: row.createdAt, size: row.sizeBytes, raw };
}

async function search(
  core: Pick<Core, 'imap'>, folder: SelectedFolder, options: { query: unknown; terms: string[] }, session: ImapSession,
): Promise<{ uidList: number[]; highestModseq: number }> {
  const needsBytes = options.terms.some((t) => !METADATA_SEARCH.has(t));
  const rows: Array<ImapMessageRecord | ImapMessageSource> = needsBytes
    ? await core.imap.messageSources(folder.userId, folder.folderId, null)
    : await core.imap.messages(folder.userId, folder.folderId, null);
  const uidList: number[] = [];
  let highestModseq = 0;
  for (const row of rows) {
    const message = asImapCoreMessage(row, 'rawSha256' in row ? await core.imap.raw(row) : undefined);
    const match = await new Promise<boolean>((resolve) => session.matchSearchQuery(message, options.query, (_err, m) => resolve(!!m)));
    if (!match) continue;
    uidList.push(row.uid);
    highestModseq = Math.max(highestModseq, row.modseq);
  }
  return { uidList, highestModseq };
}
