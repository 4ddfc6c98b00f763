// The address bar is the truth about what is open: the folder and the
// conversation come from the route (/mail/<folder>/<thread>, see
// mailbox-location.ts), and opening or closing one navigates. History holds
// at most one conversation above the list, so Back from any conversation
// returns to the list. The phone's folder drawer is the only pane state kept
// here rather than in the address.
import type { FolderDto } from '@contracts/api';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { useToast } from '../../../components/toast';
import {
  DEFAULT_MAILBOX_PATH,
  findFolder,
  keyPath,
  mailboxPath,
  parseFolderSegment,
  parseThreadSegment,
  type SystemKind,
} from '../model/mailbox-location';
import type { FoldersState } from './use-folders';

export type Pane = 'folders' | 'list' | 'conversation';

/** Set on a conversation's history entry when the list is the entry below it. */
interface EntryState {
  fromList?: boolean;
}

export interface MailboxRoute {
  /** the folder named in the address, once folders are loaded */
  folder: FolderDto | undefined;
  /** the system folder the address names, known before the folders are loaded */
  routeKind: SystemKind | null;
  /** the conversation named in the address */
  threadId: number | null;
  /** which pane a phone shows */
  pane: Pane;
  showFolders(): void;
  selectFolder(folder: FolderDto): void;
  openThread(threadId: number): void;
  closeThread(): void;
}

export function useMailboxRoute(folders: FoldersState): MailboxRoute {
  const params = useParams<{ folder: string; threadId: string }>();
  const navigate = useNavigate();
  const location = useLocation();
  const toast = useToast();
  const [foldersOpen, setFoldersOpen] = useState(false);
  const key = useMemo(() => parseFolderSegment(params.folder), [params.folder]);
  const folder = findFolder(folders.folders, key);
  const routeKind = key && 'kind' in key ? key.kind : null;
  const threadId = parseThreadSegment(params.threadId);
  const fromList = (location.state as EntryState | null)?.fromList === true;

  // Once folders are known, an address that names none goes to the Inbox, and
  // one that is not the canonical form (a system folder by id, a bad thread
  // segment) is rewritten in place.
  const redirectedFrom = useRef<string | null>(null);
  useEffect(() => {
    if (folders.status !== 'ready') return;
    if (!folder) {
      // Once per address (effects may run twice in development).
      if (redirectedFrom.current !== location.pathname) toast.show('That folder does not exist.', 'error');
      redirectedFrom.current = location.pathname;
      navigate(DEFAULT_MAILBOX_PATH, { replace: true });
      return;
    }
    const canonical = mailboxPath(folder, threadId);
    if (canonical !== location.pathname) navigate(canonical, { replace: true, state: location.state });
  }, [folders.status, folder, threadId, location.pathname, location.state, navigate, toast]);

  const selectFolder = useCallback(
    (target: FolderDto) => {
      setFoldersOpen(false);
      const path = mailboxPath(target);
      if (path !== location.pathname) navigate(path);
    },
    [location.pathname, navigate],
  );

  const openThread = useCallback(
    (id: number) => {
      if (!folder) return;
      // From the list: a new entry. From another conversation: replace it, so Back still means "the list".
      const state: EntryState = { fromList: threadId === null ? true : fromList };
      navigate(mailboxPath(folder, id), { replace: threadId !== null, state });
    },
    [folder, threadId, fromList, navigate],
  );

  const closeThread = useCallback(() => {
    if (threadId === null) return;
    // Opened from the list: go back to that entry. Opened by address: the list replaces it,
    // also while the folders are still loading (a missing conversation answers before them).
    if (fromList) navigate(-1);
    else if (folder) navigate(mailboxPath(folder), { replace: true });
    else if (key) navigate(keyPath(key), { replace: true });
  }, [threadId, folder, key, fromList, navigate]);

  const pane: Pane = threadId !== null ? 'conversation' : foldersOpen ? 'folders' : 'list';
  return { folder, routeKind, threadId, pane, showFolders: () => setFoldersOpen(true), selectFolder, openThread, closeThread };
}
