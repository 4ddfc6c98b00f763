// LIST, LSUB, (UN)SUBSCRIBE, CREATE, RENAME, DELETE, SELECT/EXAMINE and
// STATUS. imap-core has already turned modified UTF-7 names into Unicode and
// filters LIST by its pattern; we answer with the user's folders.
import type { IMAPServer, ImapSession } from '@zone-eu/wildduck/imap-core/index.js';
import type { Core } from '../core/core.js';
import type { ImapFolder } from '../core/imap-mailbox.js';
import { SelectedFolder } from './imap-notifier.js';
import { reply } from './imap-replies.js';

type Done<T = unknown> = (err: Error | null, result?: T | string, info?: unknown) => void;

export function attachFolderHandlers(server: IMAPServer, core: Pick<Core, 'imap'>): void {
  const folders = async (session: ImapSession) => (await core.imap.folders(userOf(session))).map(listed);
  server.onList = (_query: string, session: ImapSession, done: Done) => reply(folders(session), done);
  // Every folder is subscribed: one set of folders for IMAP, the API and the web.
  server.onLsub = (_query: string, session: ImapSession, done: Done) => reply(folders(session), done);
  const subscription = (path: string, session: ImapSession, done: Done) =>
    reply(core.imap.folder(userOf(session), path).then((f) => (f ? true : 'NONEXISTENT')), done);
  server.onSubscribe = subscription;
  server.onUnsubscribe = subscription;

  server.onCreate = (path: string, session: ImapSession, done: Done) =>
    reply(core.imap.createFolder(userOf(session), path).then(() => true), done);
  server.onRename = (path: string, newPath: string, session: ImapSession, done: Done) =>
    reply(core.imap.renameFolder(userOf(session), path, newPath).then(() => true), done);
  server.onDelete = (path: string, session: ImapSession, done: Done) =>
    reply(core.imap.deleteFolder(userOf(session), path).then(() => true), done);

  server.onOpen = (path: string, session: ImapSession, done: Done) => {
    const userId = userOf(session);
    reply(
      core.imap.open(userId, path).then((opened) => {
        if (!opened) return 'NONEXISTENT';
        return {
          // imap-core hands this back to every later handler and the notifier as `selected.mailbox`.
          _id: new SelectedFolder(opened.folder.id, userId, session),
          specialUse: opened.folder.specialUse,
          uidValidity: opened.state.uidValidity,
          uidNext: opened.state.uidNext,
          modifyIndex: opened.state.highestModseq,
          uidList: opened.uids,
          flags: [],
        };
      }),
      done,
    );
  };

  server.onStatus = (path: string, session: ImapSession, done: Done) =>
    reply(core.imap.status(userOf(session), path).then((s) => s ?? 'NONEXISTENT'), done);
}

export function userOf(session: ImapSession): number {
  // imap-core calls these handlers only in the Authenticated or Selected state.
  return session.user!.id;
}

function listed(f: ImapFolder) {
  return { path: f.path, specialUse: f.specialUse ?? undefined, flags: [] as string[] };
}
