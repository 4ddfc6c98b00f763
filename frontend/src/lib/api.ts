// The app-wide api client instance: token from the session store, and a 401
// on any authenticated call ends the session, which shows the sign-in page.
import { config } from '../config/config';
import { createApiClient } from './api-client';
import { serverWait } from './server-wait';
import { sessionStore } from './session-store';

export const api = createApiClient({
  baseUrl: config.apiOrigin,
  getToken: () => sessionStore.getToken(),
  onUnauthorized: () => sessionStore.clear(),
  onWaiting: serverWait,
});
