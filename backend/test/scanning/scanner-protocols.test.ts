// The pure halves of the two clients: what spamd's and clamd's answers mean.
import { describe, expect, it } from 'vitest';
import { parseInstreamAnswer } from '../../src/scanning/clamd-client.js';
import { scannerFailureOf } from '../../src/scanning/scanner-failure.js';
import { spamHeaderBytes } from '../../src/scanning/spam-headers.js';
import { headerValue, parseSpamdReply, parseSpamLine, spamcRequestHead, testsOf, tidyStatus } from '../../src/scanning/spamd-protocol.js';

describe('SPAMC/1.5', () => {
  it('writes the request head with the exact byte count of the message', () => {
    const head = spamcRequestHead('TELL', { 'Message-class': 'ham', Set: 'local' }, 1234);
    expect(head.toString('latin1')).toBe('TELL SPAMC/1.5\r\nMessage-class: ham\r\nSet: local\r\nContent-length: 1234\r\n\r\n');
    expect(spamcRequestHead('PING', {}, null).toString('latin1')).toBe('PING SPAMC/1.5\r\n\r\n');
  });

  it('reads the Spam: line, negative scores included', () => {
    expect(parseSpamLine('True ; 15.0 / 5.0')).toEqual({ isSpam: true, score: 15, required: 5, scoreText: '15.0' });
    expect(parseSpamLine('False ; -0.1 / 5.0')).toEqual({ isSpam: false, score: -0.1, required: 5, scoreText: '-0.1' });
    expect(parseSpamLine('Yes ; 1000.0 / -2.5')?.required).toBe(-2.5);
    expect(parseSpamLine('maybe ; 1 / 5')).toBeNull();
  });

  it('splits an answer into status, headers and the declared body', () => {
    const body = 'X-Spam-Flag: YES\r\n\r\n';
    const reply = parseSpamdReply(Buffer.from(`SPAMD/1.1 0 EX_OK\r\nContent-length: ${body.length}\r\nSpam: True ; 7.4 / 5.0\r\n\r\n${body}trailing`));
    expect(reply).toMatchObject({ version: '1.1', code: 0, text: 'EX_OK' });
    expect(reply!.headers.get('spam')).toBe('True ; 7.4 / 5.0');
    expect(reply!.body.toString()).toBe(body);
    expect(parseSpamdReply(Buffer.from('SPAMD/1.0 76 Bad header line: FOO SPAMC/1.5\r\n'))).toMatchObject({ code: 76, text: 'Bad header line: FOO SPAMC/1.5' });
    expect(parseSpamdReply(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))).toBeNull();
  });

  it('unfolds X-Spam-Status and lists its tests', () => {
    const block =
      'Subject: x\r\nX-Spam-Status: Yes, score=1000.0 required=5.0 tests=GTUBE,MSGID_SHORT,\r\n\tNO_RECEIVED,NO_RELAYS autolearn=no\r\n\tversion=4.0.1\r\nMIME-Version: 1.0\r\n';
    const status = tidyStatus(headerValue(block, 'x-spam-status')!);
    expect(status).toBe('Yes, score=1000.0 required=5.0 tests=GTUBE,MSGID_SHORT,NO_RECEIVED,NO_RELAYS autolearn=no version=4.0.1');
    expect(testsOf(status)).toEqual(['GTUBE', 'MSGID_SHORT', 'NO_RECEIVED', 'NO_RELAYS']);
    expect(testsOf('No, score=0.0 required=5.0 tests=none autolearn=no')).toEqual([]);
    expect(headerValue(block, 'X-Spam-Flag')).toBeNull();
  });
});

describe('clamd INSTREAM answers', () => {
  it('reads clean and infected', () => {
    expect(parseInstreamAnswer('stream: OK')).toEqual({ infected: false, name: null });
    expect(parseInstreamAnswer('stream: Eicar-Test-Signature FOUND')).toEqual({ infected: true, name: 'Eicar-Test-Signature' });
  });

  it('turns an ERROR answer or nonsense into a typed scanner failure', () => {
    const failure = (answer: string) => {
      try {
        parseInstreamAnswer(answer);
      } catch (err) {
        return scannerFailureOf(err);
      }
      throw new Error('no failure');
    };
    expect(failure('INSTREAM size limit exceeded. ERROR')).toMatchObject({ scanner: 'clamav', reason: 'daemon_error' });
    expect(failure('UNKNOWN COMMAND')).toMatchObject({ scanner: 'clamav', reason: 'protocol' });
  });
});

describe('spam header fields', () => {
  it('writes flag, score and status, folded under 78 columns, unfolding to spamd status', () => {
    const tests = ['GTUBE', 'MSGID_SHORT', 'NO_RECEIVED', 'NO_RELAYS', 'TVD_SPACE_RATIO', 'HTML_MESSAGE', 'MIME_HTML_ONLY', 'URIBL_BLOCKED'];
    const status = `Yes, score=1000.0 required=5.0 tests=${tests.join(',')} autolearn=no autolearn_force=no version=4.0.1`;
    const bytes = spamHeaderBytes({ isSpam: true, score: 1000, required: 5, scoreText: '1000.0', status, tests });
    const text = bytes.toString('latin1');
    expect(text.startsWith('X-Spam-Flag: YES\r\nX-Spam-Score: 1000.0\r\nX-Spam-Status: Yes, score=1000.0')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    const lines = text.slice(0, -2).split('\r\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(78);
    expect(lines.length).toBeGreaterThan(3);
    expect(tidyStatus(headerValue(text, 'X-Spam-Status')!)).toBe(status);
  });
});
