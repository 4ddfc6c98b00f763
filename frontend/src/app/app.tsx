// Root: the router, app-wide providers, and the session gate (sign-in vs.
// inbox). The gate sits inside the router, so an address opened while signed
// out (a link to a conversation) is still the address once signed in.
//
// React Router (declarative mode) rather than TanStack Router: the inbox needs
// path params and history, nothing more. Its data comes from feature hooks
// patched live by the socket, not from route loaders, so TanStack's typed
// loaders and search-param schemas would go unused; and the route table is
// three lines either way (see app-routes.tsx).
import { BrowserRouter } from 'react-router';
import { ToastProvider } from '../components/toast';
import { ErrorState, LoadingState } from '../components/view-states';
import { SignInPage } from '../features/auth/components/sign-in-page';
import { useSession } from '../features/auth/hooks/use-session';
import { useServerWaiting } from '../lib/server-wait';
import { InboxShell } from './inbox-shell';

export function App() {
  return (
    <BrowserRouter>
      <ToastProvider>
        <SessionGate />
      </ToastProvider>
    </BrowserRouter>
  );
}

function SessionGate() {
  const { session, signIn, signOut } = useSession();
  const waiting = useServerWaiting();
  switch (session.status) {
    case 'signedOut':
      return <SignInPage onSignedIn={signIn} />;
    case 'checking':
      return <LoadingState label={waiting ? 'Waiting for the server to start…' : 'Signing you in…'} />;
    case 'error':
      return <ErrorState message={session.message} onRetry={session.retry} />;
    case 'signedIn':
      return <InboxShell token={session.token} user={session.user} onSignOut={signOut} />;
  }
}
