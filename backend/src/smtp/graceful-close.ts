// Stopping the SMTP listener without losing mail: stop accepting, say 421 to
// sessions that are between messages, let sessions inside DATA finish and
// get their reply (up to timeoutMs), then close whatever is left. A message
// cut off by the timeout is never acknowledged, so the client retries it.
import type { SMTPServer } from 'smtp-server';
import { openConnections, type OpenConnection } from '../patches/smtp-server-connections.js';

export async function closeGracefully(server: SMTPServer, inFlight: Set<Promise<unknown>>, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const bye = (c: OpenConnection) => {
    c.send(421, '4.3.2 Server shutting down, try again later');
    c.close();
  };
  for (const c of openConnections(server)) if (!c.receivingData) bye(c);
  await Promise.race([Promise.allSettled([...inFlight]), delay(timeoutMs)]);
  for (const c of openConnections(server)) bye(c);
  await Promise.race([closed, delay(1_500)]);
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
