// What a key does in the chat composer: Enter sends, Shift+Enter is a new
// line (as in every chat app), Ctrl/Cmd+Enter also sends, and Enter that
// confirms an input method's composition (Japanese, Chinese, …) does neither.
export type ComposerKeyAction = 'send' | 'newline' | 'none';

export interface ComposerKey {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** KeyboardEvent.isComposing (an IME is composing) */
  isComposing: boolean;
  /** 229: the key went to an input method (Safari reports Enter this way while composing) */
  keyCode?: number;
}

export function composerKeyAction(k: ComposerKey): ComposerKeyAction {
  if (k.key !== 'Enter' || k.isComposing || k.keyCode === 229) return 'none';
  if (k.shiftKey || k.altKey) return 'newline';
  return 'send';
}
