import type { FolderDto } from '@contracts/api';
import { describe, expect, it } from 'vitest';
import { findFolder, keyPath, mailboxPath, parseFolderSegment, parseThreadSegment } from './mailbox-location';

const folder = (id: number, kind: FolderDto['kind'], name: string = kind): FolderDto => ({ id, kind, name, unreadCount: 0, totalCount: 0 });
const folders = [folder(11, 'inbox', 'Inbox'), folder(12, 'sent', 'Sent'), folder(40, 'custom', 'Receipts')];

describe('mailbox location', () => {
  it('names system folders by kind and custom folders by id', () => {
    expect(mailboxPath(folders[0]!)).toBe('/mail/inbox');
    expect(mailboxPath(folders[1]!, 7)).toBe('/mail/sent/7');
    expect(mailboxPath(folders[2]!, 9)).toBe('/mail/40/9');
  });

  it('reads back what it writes', () => {
    for (const f of folders) {
      const [, , segment, thread] = mailboxPath(f, 5).split('/');
      expect(findFolder(folders, parseFolderSegment(segment))).toBe(f);
      expect(parseThreadSegment(thread)).toBe(5);
    }
  });

  it('names the list of a folder known only by its key (before the folders load)', () => {
    expect(keyPath(parseFolderSegment('Inbox')!)).toBe('/mail/inbox');
    expect(keyPath(parseFolderSegment('40')!)).toBe('/mail/40');
  });

  it('accepts a system folder by its id (an old link) and a kind in any case', () => {
    expect(findFolder(folders, parseFolderSegment('11'))?.kind).toBe('inbox');
    expect(parseFolderSegment('Inbox')).toEqual({ kind: 'inbox' });
  });

  it('rejects what is not a folder or a thread id', () => {
    for (const bad of [undefined, '', 'custom', 'receipts', '0', '-1', '1.5', '1e3', '99999999999999999999']) {
      expect(parseFolderSegment(bad)).toBeNull();
    }
    for (const bad of ['', '0', 'abc', '12abc', ' 3']) expect(parseThreadSegment(bad)).toBeNull();
    expect(parseThreadSegment(undefined)).toBeNull();
    expect(findFolder(folders, { id: 999 })).toBeUndefined();
  });
});
