// The header fields a spam verdict adds on top of the stored message, the
// way SpamAssassin writes them: X-Spam-Flag, X-Spam-Score, X-Spam-Status.
import type { SpamVerdict } from './scan-verdict.js';

/** RFC 5322 2.1.1: lines SHOULD be no more than 78 characters. */
const LINE = 78;

/** The fields as bytes, each line CRLF-terminated, ready to go before the message. */
export function spamHeaderBytes(v: SpamVerdict): Buffer {
  const fields = [`X-Spam-Flag: ${v.isSpam ? 'YES' : 'NO'}`, `X-Spam-Score: ${v.scoreText}`, fold(`X-Spam-Status: ${v.status}`)];
  return Buffer.from(fields.join('\r\n') + '\r\n', 'latin1');
}

/**
 * Folds a field at spaces, and inside the tests list after commas, as
 * spamd does, so no line passes 78 characters where a break is possible.
 */
function fold(field: string): string {
  const words = field.split(' ');
  const lines: string[] = [];
  let line = '';
  const put = (piece: string, sep: string) => {
    if (line === '') line = piece;
    else if (line.length + sep.length + piece.length <= LINE) line += sep + piece;
    else {
      lines.push(line);
      line = `\t${piece}`;
    }
  };
  for (const word of words) {
    if (word.length <= LINE - 1 || !word.includes(',')) {
      put(word, ' ');
      continue;
    }
    // A long rule list: break after its commas.
    const parts = word.split(',');
    parts.forEach((part, i) => {
      const piece = i < parts.length - 1 ? `${part},` : part;
      if (i === 0) put(piece, ' ');
      else put(piece, '');
    });
  }
  if (line) lines.push(line);
  return lines.join('\r\n');
}
