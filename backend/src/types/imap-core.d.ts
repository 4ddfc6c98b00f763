// WildDuck's imap-core (package @zone-eu/wildduck) ships no types; only what
// ChitBox's IMAP adapter uses is declared. Handlers follow its callback style.
declare module '@zone-eu/wildduck/imap-core/index.js' {
  import type { EventEmitter } from 'node:events';
  import type { Server, Socket } from 'node:net';
  import type { Writable } from 'node:stream';

  export type Callback<T = unknown> = (err: Error | null, ...rest: T extends unknown[] ? T : [T?]) => void;

  export interface FetchQueryItem {
    item: string;
    type?: string;
    path?: string;
    partial?: { startFrom: number; maxLength: number };
    /** the value goes out as a literal (BODY[...], RFC822...) */
    isLiteral?: boolean;
    /** the item as the client wrote it, echoed in the response */
    original: { type?: string; value?: string; partial?: unknown[] };
  }

  export interface ImapSession {
    id: string;
    remoteAddress: string;
    user?: { id: number; username: string };
    selected?: { uidList: number[]; condstoreEnabled?: boolean; readOnly?: boolean; mailbox?: unknown } | false;
    writeStream: Writable;
    socket: Socket;
    formatResponse(command: string, uid: number, data?: Record<string, unknown>): unknown;
    getQueryResponse(query: FetchQueryItem[], message: Record<string, unknown>, options?: Record<string, unknown>): unknown[];
    matchSearchQuery(message: Record<string, unknown>, query: unknown, callback: (err: Error | null, match: boolean) => void): void;
    isUTF8Enabled(): boolean;
  }

  export interface ImapConnection {
    id: string;
    secure: boolean;
    remoteAddress: string;
    send(line: string): void;
    close(): void;
  }

  export interface IMAPServerOptions {
    secure?: boolean;
    needsUpgrade?: boolean;
    disableSTARTTLS?: boolean;
    ignoreSTARTTLS?: boolean;
    key?: Buffer;
    cert?: Buffer;
    id?: Record<string, string>;
    maxMessage?: number;
    logger?: unknown;
    skipFetchLog?: boolean;
    closeTimeout?: number;
    socketTimeout?: number;
  }

  export class IMAPServer extends EventEmitter {
    constructor(options: IMAPServerOptions);
    server: Server;
    connections: Set<ImapConnection>;
    notifier: unknown;
    listen(port: number, host: string, callback?: () => void): void;
    close(callback: () => void): void;
    updateSecureContext(options?: { key: Buffer; cert: Buffer }): void;
    onAuth?: unknown;
    onList?: unknown;
    onLsub?: unknown;
    onSubscribe?: unknown;
    onUnsubscribe?: unknown;
    onCreate?: unknown;
    onRename?: unknown;
    onDelete?: unknown;
    onOpen?: unknown;
    onStatus?: unknown;
    onAppend?: unknown;
    onStore?: unknown;
    onExpunge?: unknown;
    onCopy?: unknown;
    onMove?: unknown;
    onFetch?: unknown;
    onSearch?: unknown;
    onGetQuotaRoot?: unknown;
    onGetQuota?: unknown;
  }

  export const imapHandler: {
    compileStream(response: unknown): NodeJS.ReadableStream;
    /** a response as one string of bytes ('binary'), as the composer writes it */
    compiler(response: unknown): string;
  };
}
