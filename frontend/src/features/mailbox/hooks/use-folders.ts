// Folders with their counts. Counts come from REST only: live events just
// schedule a (debounced) refetch, which keeps them exact.
import type { FolderDto } from '@contracts/api';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../../lib/api-error';
import { fetchFolders } from '../api/mailbox-api';
import { useDebouncedCallback } from './use-debounced-callback';

export interface FoldersState {
  folders: FolderDto[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  reload: () => void;
  scheduleRefresh: () => void;
}

export function useFolders(): FoldersState {
  const [folders, setFolders] = useState<FolderDto[]>([]);
  const [status, setStatus] = useState<FoldersState['status']>('loading');
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    fetchFolders().then(
      (list) => {
        setFolders(sortFolders(list));
        setStatus('ready');
        setError(null);
      },
      (e) => {
        setError(errorMessage(e));
        setStatus((s) => (s === 'ready' ? 'ready' : 'error'));
      },
    );
  }, []);

  useEffect(reload, [reload]);
  const scheduleRefresh = useDebouncedCallback(reload, 120);
  return { folders, status, error, reload, scheduleRefresh };
}

const SYSTEM_ORDER = ['inbox', 'sent', 'drafts', 'archive', 'spam', 'trash'];

/** System folders in the usual mail-client order, then custom ones by name. */
export function sortFolders(folders: FolderDto[]): FolderDto[] {
  const rank = (f: FolderDto) => (f.kind === 'custom' ? SYSTEM_ORDER.length : SYSTEM_ORDER.indexOf(f.kind));
  return [...folders].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}
