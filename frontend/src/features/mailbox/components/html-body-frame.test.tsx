import type { AttachmentDto } from '@contracts/api';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { HtmlBodyFrame } from './html-body-frame';

vi.mock('../api/mailbox-api', () => ({
  fetchAttachment: vi.fn(async () => new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'application/octet-stream' })),
}));

const logo: AttachmentDto = { id: 3, filename: 'logo.png', contentType: 'image/png', size: 4, contentId: 'logo', sha256: '' };

function Harness({ html }: { html: string }) {
  const [allowRemote, setAllowRemote] = useState(false);
  return (
    <HtmlBodyFrame
      html={html}
      attachments={[logo]}
      inlineAttachments={[logo]}
      allowRemote={allowRemote}
      onAllowRemote={() => setAllowRemote(true)}
      title="mail"
    />
  );
}

describe('HtmlBodyFrame', () => {
  it('renders a locked-down sandboxed iframe, inlines cid images, and opens remote content only on request', async () => {
    render(<Harness html={'<img src="/api/attachments/3"><img src="https://tracker.example/p.gif">'} />);
    const frame = await screen.findByTestId('html-body-frame');
    expect(frame.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    const before = frame.getAttribute('srcdoc')!;
    expect(before).toContain(`content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`);
    expect(before).toContain('src="data:image/png;base64,iVBORw=="'); // labelled with the declared type
    expect(before).not.toContain(' src="https://tracker.example');

    await userEvent.click(screen.getByRole('button', { name: 'Show remote content' }));
    await waitFor(() => expect(screen.getByTestId('html-body-frame').getAttribute('srcdoc')).toContain(' src="https://tracker.example/p.gif"'));
    expect(screen.queryByRole('button', { name: 'Show remote content' })).toBeNull();
  });
});
