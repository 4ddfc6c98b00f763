// Small, short-lived notices ("New mail from Ann", "Moved to Archive").
// role=status so screen readers announce them without stealing focus.
import { createContext, useCallback, useContext, useMemo, useReducer, useRef, type ReactNode } from 'react';
import { toastReducer, type ToastTone } from './toast-state';

interface ToastApi {
  show(text: string, tone?: ToastTone): void;
  /**
   * One toast per key: while one is on screen, the next replaces it and
   * `textFor` gets how many there have been (see toast-state.ts).
   */
  showGrouped(key: string, textFor: (count: number) => string): void;
}

const ToastContext = createContext<ToastApi>({ show: () => undefined, showGrouped: () => undefined });

const TOAST_MS = 4000;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, dispatch] = useReducer(toastReducer, []);
  const nextId = useRef(1);

  const add = useCallback((tone: ToastTone, key: string | null, textFor: (count: number) => string) => {
    const id = nextId.current++;
    dispatch({ type: 'show', id, tone, key, textFor });
    setTimeout(() => dispatch({ type: 'expire', id }), TOAST_MS);
  }, []);
  const api = useMemo<ToastApi>(
    () => ({
      show: (text, tone = 'info') => add(tone, null, () => text),
      showGrouped: (key, textFor) => add('info', key, textFor),
    }),
    [add],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.key ?? t.id} className={`toast toast-${t.tone}`} data-testid="toast">
            {t.text}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  return useContext(ToastContext);
}
