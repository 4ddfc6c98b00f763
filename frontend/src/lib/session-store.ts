// Where the sign-in token lives: localStorage, so a session survives reloads.
// Other tabs learn about sign-in/sign-out through the `storage` event.

const TOKEN_KEY = 'chitbox.token';

export interface SessionStore {
  getToken(): string | null;
  setToken(token: string): void;
  clear(): void;
  /** Called whenever the token changes, in this tab or another one. */
  subscribe(listener: () => void): () => void;
}

export function createSessionStore(storage: Storage, win?: Window): SessionStore {
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  win?.addEventListener('storage', (event) => {
    if (event.key === TOKEN_KEY || event.key === null) notify();
  });
  return {
    getToken: () => storage.getItem(TOKEN_KEY),
    setToken(token) {
      storage.setItem(TOKEN_KEY, token);
      notify();
    },
    clear() {
      if (storage.getItem(TOKEN_KEY) === null) return;
      storage.removeItem(TOKEN_KEY);
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const sessionStore: SessionStore = createSessionStore(window.localStorage, window);
