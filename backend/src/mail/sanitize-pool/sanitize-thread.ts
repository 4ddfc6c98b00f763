// Runs in the sanitising worker thread (html-sanitizer.ts): HTML in, safe HTML out.
// sanitize-html on megabytes of markup takes seconds: here it costs only this thread.
import { parentPort } from 'node:worker_threads';
import { serveRequests } from '../../shared/worker-rpc.js';
import { sanitizeHtml } from '../sanitize-html.js';

export interface SanitizeRequest {
  id: number;
  html: string;
}

serveRequests(parentPort!, (message) => message as SanitizeRequest, async ({ html }) => sanitizeHtml(html));
