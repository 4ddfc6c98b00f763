// Deadlines a session must keep, whatever it sends. The socket's idle timeout
// restarts on every command, so NOOP or RSET every few minutes (or one byte
// of DATA at a time) could hold a connection slot forever.
//   progress: an unauthenticated session must authenticate or send MAIL FROM
//     within idleMs, and reach the end of DATA within idleMs of MAIL FROM;
//     authenticated sessions get the longer authenticatedIdleMs.
//   data: DATA, from 354 to the final dot, within dataMs in total; BDAT, from
//     its first chunk to LAST (patches/smtp-server-chunking.ts).
// While we are answering (the message is being stored) no deadline runs.

export type DeadlineKind = 'idle' | 'data';

export interface DeadlineOptions {
  idleMs: number;
  authenticatedIdleMs: number;
  dataMs: number;
}

export class SessionDeadlines {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly opts: DeadlineOptions,
    private readonly expire: (sessionId: string, kind: DeadlineKind) => void,
  ) {}

  /** Connected, authenticated, or a transaction started: the progress clock starts again. */
  progress(sessionId: string, authenticated: boolean): void {
    this.arm(sessionId, 'idle', authenticated ? this.opts.authenticatedIdleMs : this.opts.idleMs);
  }

  dataStarted(sessionId: string): void {
    this.arm(sessionId, 'data', this.opts.dataMs);
  }

  /** The message is in: no deadline while it is stored and answered. */
  dataReceived(sessionId: string): void {
    this.clear(sessionId);
  }

  closed(sessionId: string): void {
    this.clear(sessionId);
  }

  private arm(sessionId: string, kind: DeadlineKind, ms: number): void {
    this.clear(sessionId);
    const timer = setTimeout(() => {
      this.timers.delete(sessionId);
      this.expire(sessionId, kind);
    }, ms);
    timer.unref();
    this.timers.set(sessionId, timer);
  }

  private clear(sessionId: string): void {
    const timer = this.timers.get(sessionId);
    if (timer) clearTimeout(timer);
    this.timers.delete(sessionId);
  }
}
