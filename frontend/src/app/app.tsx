// Root: session gate (sign-in vs. inbox) and the app-wide providers.
import { ToastProvider } from '../components/toast';
import { ErrorState, LoadingState } from '../components/view-states';
import { SignInPage } from '../features/auth/components/sign-in-page';
import { useSession } from '../features/auth/hooks/use-session';
import { InboxShell } from './inbox-shell';

export function App() {
  const { session, signIn, signOut } = useSession();
  return (
    <ToastProvider>
      {session.status === 'signedOut' && <SignInPage onSignedIn={signIn} />}
      {session.status === 'checking' && <LoadingState label="Signing you in…" />}
      {session.status === 'error' && <ErrorState message={session.message} onRetry={session.retry} />}
      {session.status === 'signedIn' && <InboxShell token={session.token} user={session.user} onSignOut={signOut} />}
    </ToastProvider>
  );
}
