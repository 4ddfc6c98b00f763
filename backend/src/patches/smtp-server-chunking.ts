// RFC 3030 CHUNKING: the BDAT command, which smtp-server does not have.
// `BDAT <size> [LAST]` is followed by exactly <size> octets taken as they are
// (no dot-stuffing, no lines), so smtp-server's input parser hands over raw
// octets until the chunk is in. The chunks of one transaction go into one
// stream given to the same onData hook as DATA (same size limit, storage and
// replies); LAST ends the stream and is answered as the end of DATA is.
// BINARYMIME is not offered: the message must still be 7bit or 8BITMIME text.
import { PassThrough } from 'node:stream';
import * as connectionModule from 'smtp-server/lib/smtp-connection.js';
import * as streamModule from 'smtp-server/lib/smtp-stream.js';
import { addMethod, checkVersion, wrapMethod, type Patch } from './patch.js';

type Next = (err?: Error | null) => void;
type Handler = (this: Connection, command: Buffer, callback: () => void) => void;
type DataError = Error & { responseCode?: number };

interface DataStream extends PassThrough {
  byteLength: number;
  sizeExceeded: boolean;
}

/** What the parser does with the octets of the chunk it is reading. */
interface ChunkReader {
  remaining: number;
  /** takes some of the octets; `then` once more may come */
  take(bytes: Buffer, then: () => void): void;
  /** the chunk is in: answers it, then `resume` reads on */
  done(resume: () => void): void;
}

const READING = Symbol('chitbox.bdat.reading');
const TRANSACTION = Symbol('chitbox.bdat.transaction');

interface Parser {
  _dataMode: boolean;
  isClosed: boolean;
  _write(chunk: Buffer, encoding: BufferEncoding, next: Next): void;
  [READING]?: ChunkReader | null;
}

interface Reply {
  code: number;
  enhanced: string;
  text: string;
}

/** One mail transaction sent with BDAT, from its first chunk to LAST or RSET. */
interface Transaction {
  /** octets received, kept or not */
  bytes: number;
  readonly stream: DataStream;
  /** onData's answer */
  readonly result: Promise<{ err?: DataError | null; message?: unknown }>;
  /** once a chunk went over the size limit: the reply to it and to every later chunk */
  failure: Reply | null;
}

interface Connection {
  session: { envelope: { mailFrom: unknown; rcptTo: unknown[] } };
  _server: {
    options: { size?: number; lmtp?: boolean };
    onData(stream: DataStream, session: unknown, callback: (err?: DataError | null, message?: unknown) => void): void;
  };
  _parser: Parser | false;
  _dataStream: DataStream | false | null;
  _transactionCounter: number;
  _unrecognizedCommands: number;
  send(code: number, data: unknown, context?: unknown): void;
  _isSupported(command: string): boolean;
  _useEnhancedStatusCodes(): boolean;
  _resetSession(): void;
  _onClose(): void;
  handler_EHLO: Handler;
  handler_DATA?: Handler;
  handler_RCPT?: Handler;
  [TRANSACTION]?: Transaction;
}

const { SMTPConnection } = connectionModule as unknown as { SMTPConnection: { prototype: Connection } };
const { SMTPStream } = streamModule as unknown as { SMTPStream: { prototype: Parser } };

// RFC 3030 2: chunk-size ::= 1*DIGIT, end-marker ::= "LAST". More than 15
// digits could not be counted exactly, nor sent within any size limit.
const BDAT_LINE = /^BDAT +(\d{1,15})( +LAST)? *$/i;

export const chunkingPatch: Patch = {
  name: 'CHUNKING: the BDAT command (RFC 3030)',
  library: 'smtp-server',
  version: '3.21.6',
  install() {
    checkVersion(this);
    const undo = [
      wrapMethod(SMTPStream.prototype, '_write', (original) =>
        function _write(this: Parser, chunk: Buffer, encoding: BufferEncoding, next: Next) {
          const reading = this[READING];
          if (!reading) return original.call(this, chunk, encoding, next);
          if (this.isClosed || !chunk.length) return next();
          const n = Math.min(reading.remaining, chunk.length);
          reading.remaining -= n;
          const rest = chunk.subarray(n);
          reading.take(chunk.subarray(0, n), () => {
            if (reading.remaining > 0) return next();
            this[READING] = null;
            this._dataMode = false;
            // Pipelined chunks in one read would otherwise nest one call deeper each.
            reading.done(() => setImmediate(() => (rest.length ? this._write(rest, encoding, next) : next())));
          });
        },
      ),
      wrapMethod(SMTPConnection.prototype, 'handler_EHLO', (original) =>
        function handler_EHLO(this: Connection, command: Buffer, callback: () => void) {
          if (this._server.options.lmtp || !this._isSupported('BDAT')) return original.call(this, command, callback);
          // smtp-server's list of EHLO keywords is fixed: CHUNKING joins its 250 reply on the way out.
          const send = this.send;
          this.send = (code, data, context) => send.call(this, code, code === 250 && Array.isArray(data) ? [...data, 'CHUNKING'] : data, context);
          try {
            original.call(this, command, callback);
          } finally {
            delete (this as Partial<Connection>).send;
          }
        },
      ),
      // RSET, EHLO, HELO and STARTTLS reset the session: RFC 3030 2, RSET "clears all message data sent during that transaction".
      wrapMethod(SMTPConnection.prototype, '_resetSession', (original) =>
        function _resetSession(this: Connection) {
          abort(this);
          original.call(this);
        },
      ),
      // A connection gone between chunks leaves a message that never ends: nothing is stored.
      wrapMethod(SMTPConnection.prototype, '_onClose', (original) =>
        function _onClose(this: Connection) {
          original.call(this);
          abort(this);
        },
      ),
      addMethod(SMTPConnection.prototype, 'handler_BDAT', handleBdat),
    ];
    return () => undo.reverse().forEach((u) => u());
  },
};

function handleBdat(this: Connection, command: Buffer, callback: () => void): void {
  // Not offered to LMTP, which would need a reply per recipient after LAST.
  if (this._server.options.lmtp) {
    this.send(500, 'Error: command not recognized', 'BDAT');
    return callback();
  }
  const parsed = BDAT_LINE.exec(command.toString());
  if (!parsed) {
    // The size is unknown, so the octets after this line cannot be skipped: they are read as commands.
    reply(this, { code: 501, enhanced: '5.5.4', text: 'Error: syntax: BDAT <size> [LAST]' });
    return callback();
  }
  const size = Number(parsed[1]);
  const last = !!parsed[2];
  // RFC 3030 2: a failed BDAT's octets are still read and discarded before the reply, which keeps the session in step.
  const refused = sequenceError(this);
  if (refused) return readChunk(this, size, discard, (resume) => (reply(this, refused), resume()), callback);

  const tx = this[TRANSACTION] ?? open(this);
  tx.bytes += size;
  tx.stream.byteLength = tx.bytes;
  const limit = Number(this._server.options.size) || 0;
  if (!tx.failure && limit > 0 && tx.bytes > limit) {
    // RFC 5321 4.5.3.1.8 / RFC 3030 2: 552 to the chunk that goes over, and to every later one of the transaction.
    // onData sees an oversized message, as after DATA; nothing more is kept.
    tx.failure = { code: 552, enhanced: '5.3.4', text: `Error: message exceeds fixed maximum message size ${limit}` };
    tx.stream.sizeExceeded = true;
  }
  const keep = tx.failure ? discard : (bytes: Buffer, then: () => void) => write(tx, bytes, then);
  readChunk(this, size, keep, (resume) => {
    if (last) return finish(this, tx, resume);
    this._dataStream = false;
    if (tx.failure) reply(this, tx.failure);
    else reply(this, { code: 250, enhanced: '2.0.0', text: `${size} octets received` });
    resume();
  }, callback);
}

/** 503 5.5.1 without MAIL and RCPT. */
function sequenceError(conn: Connection): Reply | null {
  if (!conn.session.envelope.mailFrom) return { code: 503, enhanced: '5.5.1', text: 'Error: need MAIL command' };
  if (!conn.session.envelope.rcptTo.length) return { code: 503, enhanced: '5.5.1', text: 'Error: need RCPT command' };
  return null;
}

/** The first chunk: the message stream goes to onData, as DATA's does after 354. */
function open(conn: Connection): Transaction {
  const stream = Object.assign(new PassThrough(), { byteLength: 0, sizeExceeded: false }) as DataStream;
  const result = new Promise<{ err?: DataError | null; message?: unknown }>((resolve) =>
    conn._server.onData(stream, conn.session, (err, message) => {
      // A handler that answered without reading the rest would stop the chunks still to come.
      if (!stream.readableEnded) stream.resume();
      resolve({ err, message });
    }),
  );
  const tx: Transaction = { bytes: 0, stream, result, failure: null };
  conn[TRANSACTION] = tx;
  // RFC 3030 2: DATA and BDAT cannot be used in the same transaction. The recipients were handed to onData with the first chunk.
  conn.handler_DATA = refuse('Error: DATA and BDAT cannot be mixed in one transaction, send RSET');
  conn.handler_RCPT = refuse('Error: no recipients can be added once BDAT has begun');
  return tx;
}

/** LAST is in: the message ends and is answered as the end of DATA is, once onData has stored it (or not). */
function finish(conn: Connection, tx: Transaction, resume: () => void): void {
  conn._dataStream = tx.stream;
  tx.stream.end();
  void tx.result.then(({ err, message }) => {
    // The connection closed while the message was stored: there is nobody to answer.
    if (conn[TRANSACTION] !== tx) return;
    if (tx.failure) reply(conn, tx.failure);
    else if (err) conn.send(err.responseCode || 450, err.message);
    else conn.send(250, typeof message === 'string' ? message : 'OK: message queued', 'DATA_OK');
    close(conn);
    conn._transactionCounter++;
    conn._unrecognizedCommands = 0;
    conn._resetSession();
    resume();
  });
}

/** Ends the transaction before LAST: what was sent is dropped. */
function abort(conn: Connection): void {
  const tx = conn[TRANSACTION];
  if (!tx) return;
  close(conn);
  const stream = tx.stream;
  if (stream.writableEnded || stream.destroyed) return;
  // Over the limit it ends as an oversized message (onData stores nothing); otherwise it fails, as a DATA cut off does.
  if (stream.sizeExceeded) return void stream.end();
  const err = Object.assign(new Error('BDAT transaction ended before its LAST chunk'), { code: 'ECONNECTION' });
  stream.destroy(stream.listenerCount('error') ? err : undefined);
}

function close(conn: Connection): void {
  if (conn._dataStream === conn[TRANSACTION]?.stream) conn._dataStream = false;
  delete conn[TRANSACTION];
  delete conn.handler_DATA;
  delete conn.handler_RCPT;
}

/** Has the parser hand over the next `size` octets raw; `callback` lets it read on. */
function readChunk(conn: Connection, size: number, take: ChunkReader['take'], done: ChunkReader['done'], callback: () => void): void {
  const parser = conn._parser;
  if (size === 0) return done(callback);
  if (!parser) return callback();
  const tx = conn[TRANSACTION];
  // Inside a chunk the client owes us octets (smtp-server's idle timeout runs); a graceful stop waits for it.
  if (tx && take !== discard) conn._dataStream = tx.stream;
  parser[READING] = { remaining: size, take, done };
  parser._dataMode = true;
  callback();
}

function discard(_bytes: Buffer, then: () => void): void {
  then();
}

/** Into the message stream, waiting while its reader is behind (the receive budget holds it back). */
function write(tx: Transaction, bytes: Buffer, then: () => void): void {
  const stream = tx.stream;
  if (!stream.writable || stream.write(bytes)) return then();
  const go = () => {
    stream.off('drain', go);
    stream.off('close', go);
    then();
  };
  stream.on('drain', go);
  stream.on('close', go);
}

function refuse(text: string): Handler {
  return function refused(this: Connection, _command, callback) {
    reply(this, { code: 503, enhanced: '5.5.1', text });
    callback();
  };
}

function reply(conn: Connection, r: Reply): void {
  conn.send(r.code, conn._useEnhancedStatusCodes() ? `${r.enhanced} ${r.text}` : r.text, false);
}
