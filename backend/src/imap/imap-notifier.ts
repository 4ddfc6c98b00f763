// What imap-core calls its notifier: how a session learns that its selected
// folder changed. Changes reach us as core events (SMTP delivery, the web,
// another IMAP session); each wakes the owner's sessions, and a session then
// asks for its updates: the messages whose MODSEQ passed the one it has seen
// (new UIDs are EXISTS, known ones FETCH with their flags), and the UIDs it
// knows that are gone (EXPUNGE). Asking the store, rather than keeping a
// journal here, keeps nothing to lose or trim, and any instance can answer.
import type { Core } from '../core/core.js';
import type { Logger } from '../shared/logger.js';
import { toImapFlags } from './imap-flags.js';

/** What imap-core keeps as `selected.mailbox`: the folder, and the session that selected it. */
export class SelectedFolder {
  constructor(
    readonly folderId: number,
    readonly userId: number,
    readonly session: ImapSessionLike,
  ) {}

  toString(): string {
    return String(this.folderId);
  }
}

export interface ImapSessionLike {
  id: string;
  user?: { id: number };
  selected?: { uidList: number[] } | false;
}

export interface ImapUpdate {
  _id: string;
  command: 'EXISTS' | 'EXPUNGE' | 'FETCH';
  uid: number;
  modseq: number;
  flags?: string[];
}

type Listener = (message?: unknown) => void;

export class ImapNotifier {
  private readonly listeners = new Map<number, Map<ImapSessionLike, Listener>>();
  /** users whose sessions are woken on the next turn of the event loop */
  private readonly woken = new Set<number>();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly core: Pick<Core, 'imap' | 'events'>,
    private readonly log: Logger,
  ) {
    const wake = ({ userId }: { userId: number }) => this.fire(userId);
    this.unsubscribe = [
      core.events.subscribe('message.stored', ({ message }) => this.fire(message.userId)),
      core.events.subscribe('messages.updated', wake),
      core.events.subscribe('message.deleted', wake),
    ];
  }

  addListener(session: ImapSessionLike, listener: Listener): void {
    const userId = session.user?.id;
    if (userId === undefined) return;
    const mine = this.listeners.get(userId) ?? new Map<ImapSessionLike, Listener>();
    mine.set(session, listener);
    this.listeners.set(userId, mine);
  }

  removeListener(session: ImapSessionLike, listener: Listener): void {
    const userId = session.user?.id;
    const mine = userId === undefined ? undefined : this.listeners.get(userId);
    if (!mine || mine.get(session) !== listener) return;
    mine.delete(session);
    if (mine.size === 0) this.listeners.delete(userId!);
  }

  /**
   * Wakes the user's sessions once for all the events of this turn: an
   * EXPUNGE of many messages publishes an event per message, and each
   * wake has every session read its folder's changes (10,000 events, 10,000
   * reads of 10,000 rows each: out of memory).
   */
  fire(userId: number): void {
    if (this.woken.has(userId)) return;
    this.woken.add(userId);
    setImmediate(() => {
      this.woken.delete(userId);
      for (const listener of this.listeners.get(userId)?.values() ?? []) listener();
    });
  }

  getUpdates(selected: unknown, modifyIndex: number, callback: (err: Error | null, updates?: ImapUpdate[]) => void): void {
    if (!(selected instanceof SelectedFolder)) return callback(null, []);
    this.updatesFor(selected, modifyIndex).then(
      (updates) => callback(null, updates),
      (err: Error) => {
        this.log.warn({ err }, 'imap: could not read folder changes');
        callback(err);
      },
    );
  }

  close(): void {
    for (const off of this.unsubscribe) off();
    this.listeners.clear();
  }

  private async updatesFor(selected: SelectedFolder, modifyIndex: number): Promise<ImapUpdate[]> {
    const { folderId, userId, session } = selected;
    const known = session.selected ? session.selected.uidList : [];
    const [changed, current] = await Promise.all([
      this.core.imap.messages(userId, folderId, null, modifyIndex),
      this.core.imap.uids(userId, folderId),
    ]);
    const present = new Set(current);
    const knownSet = new Set(known);
    const highestKnown = known.length > 0 ? known[known.length - 1]! : 0;
    const updates: ImapUpdate[] = known
      .filter((uid) => !present.has(uid))
      .map((uid) => ({ _id: `expunge:${uid}`, command: 'EXPUNGE', uid, modseq: modifyIndex }));
    // RFC 3501 2.3.1.1: a new message has a UID above every one the session knows.
    const arrived = changed.filter((m) => !knownSet.has(m.uid) && m.uid > highestKnown);
    // imap-core sorts updates by MODSEQ (a stable sort) and appends each EXISTS to its
    // UID list: one MODSEQ for all of them keeps them in UID order.
    const arrivedModseq = Math.max(0, ...arrived.map((m) => m.modseq));
    for (const m of arrived) updates.push({ _id: `exists:${m.uid}`, command: 'EXISTS', uid: m.uid, modseq: arrivedModseq });
    for (const m of changed.filter((c) => knownSet.has(c.uid))) {
      updates.push({ _id: `fetch:${m.uid}:${m.modseq}`, command: 'FETCH', uid: m.uid, modseq: m.modseq, flags: toImapFlags(m) });
    }
    return updates;
  }
}
