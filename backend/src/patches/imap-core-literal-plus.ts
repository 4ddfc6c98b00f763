// RFC 7888 LITERAL+ for WildDuck's imap-core, which knows only synchronizing
// literals: a client may send "{12+}" and the 12 bytes at once, without
// waiting for "+ Go ahead" (Thunderbird and K-9 do, for APPEND and LOGIN).
//
// Outside the library, per connection: a framing tracker in front of
// imap-core's own line reader rewrites a line's trailing "{N+}" to "{N}"
// (after which the reader takes the N bytes exactly as for a synchronizing
// literal) and swallows the "+ Go ahead" it then sends. It follows literals
// byte for byte, so "{N+}" inside a literal's data is never touched. A
// non-synchronizing literal the server refuses (too large) cannot be skipped
// safely, so, as RFC 7888 section 4 allows, the connection ends with BYE.
// CAPABILITY gets LITERAL+.
import { createRequire } from 'node:module';
import { checkVersion, wrapMethod, type Patch } from './patch.js';

const require = createRequire(import.meta.url);
const LIBRARY = '@zone-eu/wildduck';
const GO_AHEAD = '+ Go ahead';
// A line's end as imap-core's reader finds it: "{N}" or "{N+}" just before the line break.
const LITERAL_AT_END = /\{(\d+)(\+?)\}$/;
const LF = Buffer.from('\n');
// A partial line longer than this goes on as it is: imap-core's own line limit deals with it.
const MAX_HELD_LINE = 64 * 1024;

interface Stream {
  _write(chunk: Buffer, encoding: BufferEncoding, done: (err?: Error | null) => void): void;
}

interface Connection {
  _parser: Stream | false;
  send(payload: string, callback?: () => void): void;
  close(): void;
  _setListeners(): void;
}

interface ImapTools {
  sendCapabilityResponse(connection: { send(line: string): void }): void;
}

/** Follows the client's byte stream: lines, and literals of a known length. */
export class LiteralFraming {
  private line: Buffer[] = [];
  private literalLeft = 0;
  /** non-synchronizing literals whose "+ Go ahead" is still to be swallowed */
  pending = 0;

  /** The bytes to hand on: every "{N+}" at a line's end made "{N}". Holds back a partial line. */
  feed(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, chunk.length - pos);
        out.push(chunk.subarray(pos, pos + take));
        this.literalLeft -= take;
        pos += take;
        continue;
      }
      const eol = chunk.indexOf(0x0a, pos);
      if (eol < 0) {
        this.line.push(chunk.subarray(pos));
        if (this.line.reduce((n, b) => n + b.length, 0) > MAX_HELD_LINE) {
          out.push(...this.line);
          this.line = [];
        }
        break;
      }
      this.line.push(chunk.subarray(pos, eol));
      out.push(this.endLine(Buffer.concat(this.line)));
      this.line = [];
      pos = eol + 1;
    }
    return Buffer.concat(out);
  }

  private endLine(line: Buffer): Buffer {
    const text = line.toString('latin1');
    const cr = text.endsWith('\r') ? '\r' : '';
    const body = cr ? text.slice(0, -1) : text;
    const m = LITERAL_AT_END.exec(body);
    if (m) this.literalLeft = Number(m[1]);
    if (!m || !m[2]) return Buffer.concat([line, LF]);
    this.pending++;
    return Buffer.from(`${body.slice(0, m.index)}{${m[1]}}${cr}\n`, 'latin1');
  }
}

export const literalPlusPatch: Patch = {
  name: 'LITERAL+ (RFC 7888) in imap-core',
  library: LIBRARY,
  version: '1.51.1',
  install() {
    checkVersion(this);
    const { IMAPConnection } = require(`${LIBRARY}/imap-core/lib/imap-connection.js`) as { IMAPConnection: { prototype: Connection } };
    const tools = require(`${LIBRARY}/imap-core/lib/imap-tools.js`) as ImapTools;
    const undoListeners = wrapMethod(IMAPConnection.prototype, '_setListeners', (original) =>
      function _setListeners(this: Connection) {
        if (this._parser) frameLiterals(this, this._parser);
        original.call(this);
      },
    );
    const undoCapability = wrapMethod(tools, 'sendCapabilityResponse', (original) =>
      function sendCapabilityResponse(connection) {
        const send = connection.send;
        connection.send = (line: string) => send.call(connection, line.startsWith('* CAPABILITY ') ? `${line} LITERAL+` : line);
        try {
          original(connection);
        } finally {
          connection.send = send;
        }
      },
    );
    return () => {
      undoCapability();
      undoListeners();
    };
  },
};

function frameLiterals(conn: Connection, parser: Stream): void {
  const framing = new LiteralFraming();
  const write = parser._write.bind(parser);
  parser._write = (chunk, encoding, done) => {
    const bytes = framing.feed(chunk);
    if (bytes.length === 0) return done();
    write(bytes, encoding, done);
  };
  const send = conn.send.bind(conn);
  conn.send = (payload, callback) => {
    if (framing.pending > 0 && payload === GO_AHEAD) {
      framing.pending--;
      return callback?.();
    }
    if (framing.pending > 0 && /^\S+ (NO|BAD) /.test(payload)) {
      // The literal's bytes are already on their way and would be read as commands.
      send(payload);
      send('* BYE Non-synchronizing literal refused, closing connection');
      return setImmediate(() => conn.close());
    }
    send(payload, callback);
  };
}
