import type { FolderDto } from '@contracts/api';
import { useState, type FormEvent } from 'react';
import { folderIcon, Icon } from '../../../components/icons';
import { ErrorState, LoadingState } from '../../../components/view-states';
import { errorMessage } from '../../../lib/api-error';
import { createFolder } from '../api/mailbox-api';
import type { FoldersState } from '../hooks/use-folders';
import { folderRows } from '../model/folder-tree';

interface Props {
  folders: FoldersState;
  selectedId: number | null;
  onSelect: (folder: FolderDto) => void;
}

export function FolderList({ folders, selectedId, onSelect }: Props) {
  if (folders.status === 'loading') return <LoadingState label="Loading folders…" />;
  if (folders.status === 'error') return <ErrorState message={folders.error ?? 'Could not load folders.'} onRetry={folders.reload} />;
  return (
    <nav aria-label="Folders">
      <ul className="folder-list">
        {folderRows(folders.folders).map(({ folder, label, depth }) => (
          <li key={folder.id}>
            <button
              type="button"
              className={`folder ${folder.id === selectedId ? 'is-selected' : ''} ${folder.unreadCount ? 'has-unread' : ''}`}
              aria-current={folder.id === selectedId ? 'page' : undefined}
              data-folder-kind={folder.kind}
              title={folder.kind === 'custom' ? folder.name : undefined}
              style={depth > 0 ? { paddingLeft: 12 + depth * 16 } : undefined}
              onClick={() => onSelect(folder)}
            >
              <Icon name={folderIcon(folder.kind)} />
              <span className="folder-name">{label}</span>
              {folder.unreadCount > 0 && (
                <span className="folder-unread" data-testid={`unread-${folder.kind}`} aria-label={`${folder.unreadCount} unread`}>
                  {folder.unreadCount}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      <NewFolder onCreated={folders.reload} />
    </nav>
  );
}

/** A custom folder by name; "Projects/2026" nests it in Projects (as IMAP clients see it). */
function NewFolder({ onCreated }: { onCreated: () => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!open) {
    return (
      <button type="button" className="folder new-folder" onClick={() => setOpen(true)}>
        <Icon name="plus" />
        <span className="folder-name">New folder</span>
      </button>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    createFolder(name.trim()).then(
      () => {
        setName('');
        setOpen(false);
        setError(null);
        onCreated();
      },
      (err) => setError(errorMessage(err)),
    ).finally(() => setBusy(false));
  };
  return (
    <form className="new-folder-form" onSubmit={submit} aria-label="New folder">
      <input aria-label="Folder name" value={name} maxLength={200} autoFocus placeholder="Projects/2026" onChange={(e) => setName(e.target.value)} />
      <button type="submit" disabled={busy || !name.trim()}>Create</button>
      <button type="button" onClick={() => setOpen(false)}>Cancel</button>
      {error && <p role="alert" className="form-error">{error}</p>}
    </form>
  );
}
