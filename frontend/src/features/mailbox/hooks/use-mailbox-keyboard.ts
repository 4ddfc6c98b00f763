// Gmail-style keys (keyboard-commands.ts) applied to the mailbox: j/k move the
// cursor, or the open conversation to its neighbour; Enter opens the row under
// the cursor; the others act on the open conversation, else on the cursor's row.
import type { ThreadSummaryDto } from '@contracts/api';
import type { MailCommand } from '../model/keyboard-commands';
import { neighbourId } from '../model/list-cursor';
import type { ListCursorApi } from './use-list-cursor';
import { useKeyboardShortcuts } from './use-keyboard-shortcuts';
import type { ThreadActions } from './use-thread-actions';

interface Deps {
  threads: readonly ThreadSummaryDto[];
  openId: number | null;
  cursor: ListCursorApi;
  open(thread: ThreadSummaryDto): void;
  close(): void;
  actions: ThreadActions;
  onCompose(): void;
}

export function useMailboxKeyboard(deps: Deps): void {
  useKeyboardShortcuts((command) => run(deps, command));
}

function run({ threads, openId, cursor, open, close, actions, onCompose }: Deps, command: MailCommand): void {
  const targetId = openId ?? cursor.row;
  const find = (id: number | null) => threads.find((t) => t.id === id);
  switch (command) {
    case 'next':
    case 'previous': {
      const step = command === 'next' ? 1 : -1;
      if (openId === null) return cursor.move(step);
      const next = find(neighbourId(threads, openId, step));
      if (next) open(next);
      return;
    }
    case 'open': {
      const thread = find(cursor.row);
      if (thread) open(thread);
      return;
    }
    case 'archive':
      if (targetId !== null) actions.archive(targetId);
      return;
    case 'delete':
      if (targetId !== null) actions.remove(targetId);
      return;
    case 'star': {
      const thread = find(targetId);
      if (thread) actions.toggleStar(thread);
      return;
    }
    case 'markUnread':
      if (targetId !== null) actions.markUnread(targetId);
      return;
    case 'compose':
      return onCompose();
    case 'back':
      if (openId !== null) close();
      return;
  }
}
