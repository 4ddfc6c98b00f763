// jsonStringPieces: the bytes of JSON.stringify, made a slice at a time.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jsonStringPieces } from '../../src/shared/json-text.js';
import { loopTurnsDuring } from '../support/loop-turns.js';

const joined = (pieces: Buffer[]) => Buffer.concat(pieces).toString('utf8');

const SAMPLES: Record<string, string> = {
  empty: '',
  plain: 'hello world',
  escapes: 'quote " backslash \\ newline \n tab \t nul \u0000 bell \u0007 del \u007f',
  'line separators': 'a\u2028b\u2029c',
  'non-latin': 'Grüße, Привет, 日本語',
  'astral characters on every boundary': '😀'.repeat(50) + 'x' + '𝄞'.repeat(50),
  'lone surrogates': 'a\ud800b\udc00c\ud83d',
  html: '<td onclick="x()" style="color:red">cell <b>bold</b> <a href="javascript:1">x</a></td>\r\n'.repeat(200),
};

describe('jsonStringPieces', () => {
  for (const [name, s] of Object.entries(SAMPLES)) {
    it(`joins to JSON.stringify's text: ${name}`, async () => {
      for (const sliceChars of [1, 2, 3, 7, 64, 65_536]) {
        expect(joined(await jsonStringPieces(s, { sliceChars }))).toBe(JSON.stringify(s));
      }
    });
  }

  it('feeds the hash the same bytes', async () => {
    const hash = createHash('sha1');
    const pieces = await jsonStringPieces(SAMPLES.html!, { sliceChars: 100, hash });
    expect(hash.digest('hex')).toBe(createHash('sha1').update(Buffer.concat(pieces)).digest('hex'));
  });

  it('lets the event loop turn between slices', async () => {
    const { turns } = await loopTurnsDuring(() => jsonStringPieces('x'.repeat(10_000), { sliceChars: 1_000 }));
    expect(turns).toBeGreaterThanOrEqual(5);
  });
});
