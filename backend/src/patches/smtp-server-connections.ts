// smtp-server keeps its open connections in a private Set and marks a
// connection inside DATA only by a private stream. Stopping without losing
// mail needs both (graceful-close.ts): sessions between messages get 421 at
// once, sessions inside DATA finish first. Read here, in one place, checked
// against the version they were read from.
import type { SMTPServer } from 'smtp-server';
import { checkVersion, type Patch } from './patch.js';

export interface OpenConnection {
  /** inside DATA (or a BDAT chunk): the message is still arriving or being stored */
  readonly receivingData: boolean;
  send(code: number, text: string): void;
  close(): void;
}

interface PrivateConnection {
  id?: string;
  _dataStream?: unknown;
  send(code: number, text: string): void;
  close(): void;
}

const VERSION = '3.21.6';

/** The server's open connections. */
export function openConnections(server: SMTPServer): OpenConnection[] {
  const connections = (server as unknown as { connections?: Set<PrivateConnection> }).connections;
  if (!(connections instanceof Set)) throw new Error(`smtp-server ${VERSION}'s connections Set is missing: see patches/smtp-server-connections.ts`);
  return [...connections].map((c) => ({
    receivingData: !!c._dataStream,
    send: (code, text) => c.send(code, text),
    close: () => c.close(),
  }));
}

/** The open connection whose session has this id (smtp-server gives both the same id). */
export function connectionById(server: SMTPServer, id: string): OpenConnection | null {
  const connections = (server as unknown as { connections?: Set<PrivateConnection> }).connections;
  for (const c of connections ?? []) {
    if (c.id === id) return { receivingData: !!c._dataStream, send: (code, text) => c.send(code, text), close: () => c.close() };
  }
  return null;
}

/** How many connections are open. */
export function openConnectionCount(server: SMTPServer): number {
  return (server as unknown as { connections: Set<unknown> }).connections.size;
}

/** Reads private fields rather than changing code: installing only checks the version. */
export const connectionsPatch: Patch = {
  name: "read smtp-server's open connections",
  library: 'smtp-server',
  version: VERSION,
  install() {
    checkVersion(this);
    return () => undefined;
  },
};
