import type { FolderDto } from '@contracts/api';
import { describe, expect, it } from 'vitest';
import { folderRows } from './folder-tree';

const folder = (id: number, name: string, kind: FolderDto['kind'] = 'custom'): FolderDto => ({ id, name, kind, unreadCount: 0, totalCount: 0 });

describe('folderRows', () => {
  it('keeps system folders first and nests custom paths under their parent', () => {
    const rows = folderRows([folder(1, 'Inbox', 'inbox'), folder(9, 'Projects/2026'), folder(8, 'Projects b'), folder(7, 'Projects'), folder(2, 'Trash', 'trash')]);
    expect(rows.map((r) => [r.label, r.depth])).toEqual([['Inbox', 0], ['Trash', 0], ['Projects', 0], ['2026', 1], ['Projects b', 0]]);
  });

  it('shows a nested folder whose parent does not exist by its last part', () => {
    expect(folderRows([folder(3, 'a/b/Entwürfe')])).toEqual([{ folder: folder(3, 'a/b/Entwürfe'), label: 'Entwürfe', depth: 2 }]);
  });
});
