// The toasts on screen as a pure reducer. A toast with a key stands for a
// stream of the same kind of notice (new mail): while it is on screen a new
// one of that key replaces it, with how many came, so a burst of five mails is
// one toast saying "5 new messages" and not a stack covering the inbox.

export type ToastTone = 'info' | 'error';

export interface Toast {
  id: number;
  text: string;
  tone: ToastTone;
  key: string | null;
  /** how many notices this toast stands for (1 unless keyed) */
  count: number;
}

export type ToastAction =
  | { type: 'show'; id: number; tone: ToastTone; key: string | null; textFor: (count: number) => string }
  | { type: 'expire'; id: number };

/** Never more on screen than this: the oldest go first. */
export const MAX_TOASTS = 3;

export function toastReducer(toasts: readonly Toast[], action: ToastAction): Toast[] {
  switch (action.type) {
    case 'show': {
      const same = action.key === null ? undefined : toasts.find((t) => t.key === action.key);
      const count = same ? same.count + 1 : 1;
      // A new id restarts its time on screen: the old one's timer then expires nothing.
      const toast: Toast = { id: action.id, text: action.textFor(count), tone: action.tone, key: action.key, count };
      return [...toasts.filter((t) => t !== same), toast].slice(-MAX_TOASTS);
    }
    case 'expire':
      return toasts.filter((t) => t.id !== action.id);
  }
}
