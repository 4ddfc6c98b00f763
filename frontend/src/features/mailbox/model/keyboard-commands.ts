// Gmail-style single-key shortcuts. Pure mapping, so it is tested apart from React.

export type MailCommand = 'next' | 'previous' | 'open' | 'archive' | 'delete' | 'star' | 'markUnread' | 'compose' | 'back';

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

const COMMANDS: Record<string, MailCommand> = {
  j: 'next',
  k: 'previous',
  Enter: 'open',
  o: 'open',
  e: 'archive',
  '#': 'delete',
  s: 'star',
  U: 'markUnread',
  c: 'compose',
  u: 'back',
  Escape: 'back',
};

export function commandForKey(input: KeyInput): MailCommand | null {
  // Ctrl/Cmd/Alt combinations belong to the browser and the OS.
  if (input.ctrlKey || input.metaKey || input.altKey) return null;
  if (isTypingTarget(input.target)) return null;
  const command = COMMANDS[input.key] ?? null;
  // Enter on a focused button or link must press that control, not open a thread.
  if (command === 'open' && input.key === 'Enter' && isActivatable(input.target)) return null;
  return command;
}

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

function isActivatable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return !!target.closest('button, a[href], summary, [role="button"], [role="menuitem"]');
}
