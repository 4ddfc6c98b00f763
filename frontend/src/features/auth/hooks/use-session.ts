// The signed-in user, derived from the stored token: on load we ask /me; a
// 401 anywhere clears the token (api client), which lands here as signed-out.
import type { AuthResponse, UserDto } from '@contracts/api';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { errorMessage } from '../../../lib/api-error';
import { sessionStore } from '../../../lib/session-store';
import { fetchMe } from '../api/auth-api';

export type SessionState =
  | { status: 'signedOut' }
  | { status: 'checking' }
  | { status: 'error'; message: string; retry: () => void }
  | { status: 'signedIn'; token: string; user: UserDto };

export function useSession(): { session: SessionState; signIn: (auth: AuthResponse) => void; signOut: () => void } {
  const token = useSyncExternalStore(sessionStore.subscribe, sessionStore.getToken);
  const [user, setUser] = useState<{ token: string; user: UserDto } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!token || user?.token === token) return;
    let cancelled = false;
    setFailure(null);
    fetchMe().then(
      (me) => !cancelled && setUser({ token, user: me }),
      (e) => !cancelled && setFailure(errorMessage(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [token, user, attempt]);

  const signIn = useCallback((auth: AuthResponse) => {
    setUser({ token: auth.token, user: auth.user });
    sessionStore.setToken(auth.token);
  }, []);
  const signOut = useCallback(() => {
    sessionStore.clear();
    setUser(null);
  }, []);

  let session: SessionState;
  if (!token) session = { status: 'signedOut' };
  else if (user?.token === token) session = { status: 'signedIn', token, user: user.user };
  else if (failure) session = { status: 'error', message: failure, retry: () => setAttempt((n) => n + 1) };
  else session = { status: 'checking' };
  return { session, signIn, signOut };
}
