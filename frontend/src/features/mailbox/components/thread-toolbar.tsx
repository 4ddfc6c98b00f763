// Actions on the open conversation; the same commands as the keyboard.
import type { FolderDto } from '@contracts/api';
import type { ReactNode } from 'react';

interface Props {
  folders: FolderDto[];
  currentFolder: FolderDto | undefined;
  isStarred: boolean;
  onBack: () => void;
  onArchive: () => void;
  onDelete: () => void;
  onMarkUnread: () => void;
  onToggleStar: () => void;
  onMove: (folderId: number) => void;
  /** more controls at the end (the chat / mail switch) */
  extra?: ReactNode;
}

export function ThreadToolbar(props: Props) {
  const { folders, currentFolder } = props;
  const inTrash = currentFolder?.kind === 'trash';
  const inArchive = currentFolder?.kind === 'archive';
  const targets = folders.filter((f) => f.id !== currentFolder?.id && f.kind !== 'drafts' && f.kind !== 'sent');
  return (
    <div className="toolbar" role="toolbar" aria-label="Conversation actions">
      <button type="button" className="back-button" onClick={props.onBack} aria-label="Back to list" title="Back (u)">
        ←
      </button>
      {!inArchive && (
        <button type="button" onClick={props.onArchive} title="Archive (e)">
          Archive
        </button>
      )}
      <button type="button" onClick={props.onDelete} title="Delete (#)">
        {inTrash ? 'Delete forever' : 'Delete'}
      </button>
      <button type="button" onClick={props.onMarkUnread} title="Mark unread (Shift+U)">
        Mark unread
      </button>
      <button type="button" onClick={props.onToggleStar} aria-pressed={props.isStarred} title="Star (s)">
        {props.isStarred ? '★ Starred' : '☆ Star'}
      </button>
      <label className="move-to">
        <span className="visually-hidden">Move to folder</span>
        <select
          value=""
          aria-label="Move to folder"
          onChange={(e) => {
            if (e.target.value) props.onMove(Number(e.target.value));
          }}
        >
          <option value="">Move to…</option>
          {targets.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      {props.extra}
    </div>
  );
}
