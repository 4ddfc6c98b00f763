// Mail the parser refuses (a header block past its limit, thousands of
// parts) keeps its attachments visible: they are found by a scan of the MIME
// structure, stored, listed and downloadable.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseMessage } from '../../src/mail/parse-message.js';
import { sendRaw } from '../ops/ops-helpers.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// Real servers and real attacks: on a machine this busy a start alone can take half a minute. Nothing waits for a duration.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const pdf = Buffer.from('%PDF-1.4 not really a pdf, but bytes to keep');
const attachmentPart = (boundary: string) => [
  `--${boundary}`, 'Content-Type: application/pdf; name="report.pdf"', 'Content-Disposition: attachment; filename="report.pdf"',
  'Content-Transfer-Encoding: base64', '', pdf.toString('base64'),
  `--${boundary}`, 'Content-Type: text/plain; name="=?UTF-8?Q?notes_=C3=A9t=C3=A9.txt?="', 'Content-Transfer-Encoding: quoted-printable', '', 'caf=C3=A9 au lait=',
  '',
];

const hugeHeader = (): Buffer => Buffer.from([
  'From: a@remote.test', 'To: rita@example.test', 'Subject: huge header', `X-Filler: ${'f'.repeat(1_200_000)}`,
  'Content-Type: multipart/mixed; boundary="BB"', '', '--BB', 'Content-Type: text/plain', '', 'body text', ...attachmentPart('BB'), '--BB--', '',
].join('\r\n'));

const manyParts = (): Buffer => Buffer.from([
  'From: a@remote.test', 'To: rita@example.test', 'Subject: many parts', 'Content-Type: multipart/mixed; boundary="P"', '',
  ...Array.from({ length: 5_000 }, (_, i) => [`--P`, 'Content-Type: text/plain', '', `part ${i}`]).flat(),
  ...attachmentPart('P'), '--P--', '',
].join('\r\n'));

describe('the MIME scan behind a refused parse', () => {
  it.each([['a header block past 1 MiB', hugeHeader], ['5,000 parts', manyParts]])('%s: both attachments, decoded', async (_, build) => {
    const parsed = await parseMessage(build());
    expect(parsed.parseError).not.toBeNull();
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['report.pdf', 'application/pdf'], ['notes été.txt', 'text/plain'],
    ]);
    expect(parsed.attachments[0]!.content.equals(pdf)).toBe(true);
    expect(parsed.attachments[1]!.content.toString('utf8')).toBe('café au lait');
  });
});

describe('over SMTP and HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('lists and serves the attachments of a message stored with header fields only', async () => {
    const { token } = await server.register('rita@example.test');
    const { replies } = await sendRaw(server.smtpPort, 'rita@example.test', hugeHeader().toString('latin1').replace(/\r\n/g, '\n'));
    expect(replies.at(-1)).toMatch(/^250 /);
    const id = Number(/stored as (\d+)/.exec(replies.at(-1)!)![1]);
    const message = (await server.api(token).get(`/api/messages/${id}`)).body.message;
    expect(message.hasAttachments).toBe(true);
    expect(message.attachments.map((a: { filename: string }) => a.filename)).toEqual(['report.pdf', 'notes été.txt']);
    const file = await server.api(token).raw('GET', `/api/attachments/${message.attachments[0].id}`);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(pdf)).toBe(true);
  });
});
