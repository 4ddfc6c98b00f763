import type { FolderDto } from '@contracts/api';
import { folderIcon, Icon } from '../../../components/icons';
import { ErrorState, LoadingState } from '../../../components/view-states';
import type { FoldersState } from '../hooks/use-folders';

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
        {folders.folders.map((folder) => (
          <li key={folder.id}>
            <button
              type="button"
              className={`folder ${folder.id === selectedId ? 'is-selected' : ''} ${folder.unreadCount ? 'has-unread' : ''}`}
              aria-current={folder.id === selectedId ? 'page' : undefined}
              data-folder-kind={folder.kind}
              onClick={() => onSelect(folder)}
            >
              <Icon name={folderIcon(folder.kind)} />
              <span className="folder-name">{folder.name}</span>
              {folder.unreadCount > 0 && (
                <span className="folder-unread" data-testid={`unread-${folder.kind}`} aria-label={`${folder.unreadCount} unread`}>
                  {folder.unreadCount}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
