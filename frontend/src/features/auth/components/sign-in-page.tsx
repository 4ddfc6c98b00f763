// Sign in or create an account. On success the parent stores the token.
import type { AuthResponse } from '@contracts/api';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../lib/api-error';
import { login, register } from '../api/auth-api';

type Mode = 'signin' | 'register';

export function SignInPage({ onSignedIn }: { onSignedIn: (auth: AuthResponse) => void }) {
  const [mode, setMode] = useState<Mode>('signin');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const auth = mode === 'signin' ? await login(email.trim(), password) : await register(email.trim(), password, name.trim());
      onSignedIn(auth);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

  const isSignIn = mode === 'signin';
  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{isSignIn ? 'Sign in to ChitBox' : 'Create your ChitBox account'}</h1>
        {!isSignIn && (
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
          </label>
        )}
        <label>
          Email
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" autoFocus />
        </label>
        <label>
          Password
          <input
            type="password"
            required
            minLength={isSignIn ? undefined : 8}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete={isSignIn ? 'current-password' : 'new-password'}
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Please wait…' : isSignIn ? 'Sign in' : 'Create account'}
        </button>
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setMode(isSignIn ? 'register' : 'signin');
            setError(null);
          }}
        >
          {isSignIn ? 'No account yet? Create one' : 'Have an account? Sign in'}
        </button>
      </form>
    </main>
  );
}
