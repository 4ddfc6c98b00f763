// Whether some request is waiting for the server to come back (see
// retry-policy.ts), so screens can say "waiting for the server" instead of a
// bare spinner. A counter, because several requests wait at once.
import { useSyncExternalStore } from 'react';

export interface ServerWait {
  begin(): void;
  end(): void;
  isWaiting(): boolean;
  subscribe(listener: () => void): () => void;
}

export function createServerWait(): ServerWait {
  let waiting = 0;
  const listeners = new Set<() => void>();
  const change = (delta: number) => {
    const before = waiting > 0;
    waiting = Math.max(0, waiting + delta);
    if (before !== waiting > 0) listeners.forEach((l) => l());
  };
  return {
    begin: () => change(1),
    end: () => change(-1),
    isWaiting: () => waiting > 0,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const serverWait = createServerWait();

export function useServerWaiting(): boolean {
  return useSyncExternalStore(serverWait.subscribe, serverWait.isWaiting);
}
