// What the OpenAPI document says about each /api route beyond what the app
// itself knows (openapi-document.ts walks the app for the routes): a
// summary, who may call it, and the zod schemas its handler validates with,
// imported from the route modules, so a schema changed there changes here.
import type { z } from 'zod';
import { createBody, domainBody, domainParam, offsetQuery, queueQuery, updateBody, userParam } from '../routes/admin-routes.js';
import { loginBody, registerBody } from '../routes/auth-routes.js';
import { presenceQuery, settingsBody } from '../routes/chat-routes.js';
import { composeBody } from '../routes/compose-routes.js';
import { folderBody } from '../routes/folder-routes.js';
import { exportQuery } from '../routes/mailbox-transfer-routes.js';
import { messageChangeBody } from '../routes/message-routes.js';
import { searchQuery } from '../routes/search-routes.js';
import { scopeQuery } from '../routes/thread-routes.js';
import { idParam, pageQuery } from '../validate.js';

export type Auth = 'none' | 'user' | 'admin';

export interface Operation {
  summary: string;
  tag: string;
  auth: Auth;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** the body's media type when it is not JSON */
  bodyType?: string;
  /** success status and what it carries */
  ok: [number, string];
  /** the success body's media type when it is not JSON */
  okType?: string;
}

const id = { params: idParam };
const user = (summary: string, tag: string, more: Partial<Operation> = {}): Operation => ({ summary, tag, auth: 'user', ok: [200, 'OK'], ...more });
const admin = (summary: string, more: Partial<Operation> = {}): Operation => ({ summary, tag: 'admin', auth: 'admin', ok: [200, 'OK'], ...more });

/** Keyed by "METHOD /path" as Express has it (":id" parameters). */
export const OPERATIONS: Record<string, Operation> = {
  'POST /api/auth/register': { summary: 'Create an account; answers {token, user}', tag: 'auth', auth: 'none', body: registerBody, ok: [201, 'Created'] },
  'POST /api/auth/login': { summary: 'Sign in; answers {token, user}', tag: 'auth', auth: 'none', body: loginBody, ok: [200, 'Signed in'] },
  'GET /api/auth/me': user('The signed-in user', 'auth'),
  'GET /api/folders': user('Folders with unread and total counts', 'mail'),
  'POST /api/folders': user('Creates a custom folder (nest with "/"); 409 for a taken name', 'mail', { body: folderBody, ok: [201, 'Created'] }),
  'PATCH /api/folders/:id': user('Renames a custom folder and its subfolders; 409 for a system folder', 'mail', { ...id, body: folderBody }),
  'DELETE /api/folders/:id': user('Deletes a custom folder; its mail goes to Trash', 'mail', { ...id, ok: [204, 'Deleted'] }),
  'GET /api/folders/:id/messages': user('A folder\'s messages, newest first, by cursor', 'mail', { ...id, query: pageQuery }),
  'GET /api/folders/:id/threads': user('A folder\'s conversations, newest first, by cursor', 'mail', { ...id, query: pageQuery }),
  'GET /api/folders/:id/export': user('The folder as an mboxrd stream', 'import-export', { ...id, query: exportQuery, okType: 'application/mbox' }),
  'POST /api/folders/:id/import': user('Imports an mbox file into the folder; answers {imported, failed, problems}', 'import-export', { ...id, bodyType: 'application/mbox' }),
  'POST /api/messages': user('Sends a message (JSON or multipart with files); answers the Sent copy', 'mail', { body: composeBody, ok: [202, 'Accepted'] }),
  'GET /api/messages/:id': user('One message', 'mail', id),
  'GET /api/messages/:id/raw': user('The message as received (message/rfc822)', 'mail', { ...id, okType: 'message/rfc822' }),
  'PATCH /api/messages/:id': user('Marks read or starred, or moves to a folder', 'mail', { ...id, body: messageChangeBody }),
  'DELETE /api/messages/:id': user('To Trash; from Trash for good', 'mail', { ...id, ok: [204, 'Deleted'] }),
  'GET /api/threads/:id': user('A conversation, oldest first', 'mail', { ...id, query: scopeQuery }),
  'PATCH /api/threads/:id': user('Applies a change to every message of a conversation', 'mail', { ...id, query: scopeQuery, body: messageChangeBody }),
  'DELETE /api/threads/:id': user('Deletes every message of a conversation', 'mail', { ...id, query: scopeQuery, ok: [204, 'Deleted'] }),
  'GET /api/attachments/:id': user('The attachment\'s exact bytes', 'mail', { ...id, okType: 'application/octet-stream' }),
  'GET /api/search': user('Search with words, "phrases" and operators; best match first, words marked', 'mail', { query: searchQuery }),
  'GET /api/presence': user('Who of these addresses is online', 'chat', { query: presenceQuery }),
  'GET /api/contacts': user('People the user corresponds with', 'chat'),
  'GET /api/settings/chat': user('Read-receipt settings', 'chat'),
  'PATCH /api/settings/chat': user('Changes read-receipt settings', 'chat', { body: settingsBody }),
  'GET /api/openapi.json': { summary: 'This document', tag: 'meta', auth: 'none', ok: [200, 'OpenAPI 3.1'] },
  'GET /api/docs': { summary: 'The API reference page made from this document', tag: 'meta', auth: 'none', ok: [200, 'HTML'], okType: 'text/html' },
  ...adminOperations('/api/admin'),
  'GET /api/admin/domains': admin('Local domains: MAIL_DOMAINS and those added by an admin'),
  'POST /api/admin/domains': admin('Adds a local domain', { body: domainBody, ok: [201, 'Added (200: it was there)'] }),
  'DELETE /api/admin/domains/:domain': admin('Removes a local domain an admin added', { params: domainParam, ok: [204, 'Removed'] }),
  // The seed's paths for the same handlers.
  ...adminOperations('/api'),
};

function adminOperations(base: string): Record<string, Operation> {
  const u = { params: userParam };
  return {
    ...(base === '/api/admin' ? { [`GET ${base}/stats`]: admin('Counters, processing times, spam and virus blocks') } : {}),
    [`GET ${base}/users`]: admin('Accounts, by offset', { query: offsetQuery }),
    [`POST ${base}/users`]: admin('Creates an account', { body: createBody, ok: [201, 'Created'] }),
    [`GET ${base}/users/:user`]: { ...admin('One account with its statistics (also the user themself)', u), auth: 'user' },
    [`PUT ${base}/users/:user`]: { ...admin('Changes an account (a user: their own email, name, password)', { ...u, body: updateBody }), auth: 'user' },
    [`DELETE ${base}/users/:user`]: admin('Deletes an account with all its mail', { ...u, ok: [204, 'Deleted'] }),
    [`GET ${base}/queue`]: admin('The outbound queue', { query: queueQuery }),
    [`POST ${base}/queue/:id/retry`]: admin('Makes a queued message due now', id),
    [`DELETE ${base}/queue/:id`]: admin('Drops a queued message', { ...id, ok: [204, 'Dropped'] }),
  };
}
