// The results page with a stubbed API: matched words in <mark> (as elements,
// never parsed HTML), a click opens the conversation, "More results" pages
// with the cursor, and a refused query shows the server's reason.
import type { SearchResultDto } from '@contracts/api';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../lib/api-error';
import { searchMail } from '../api/search-api';
import { SearchPage } from './search-page';

vi.mock('../api/search-api', () => ({ searchMail: vi.fn() }));

const hit = (id: number, subject: string, snippet: string): SearchResultDto => ({
  id, threadId: 100 + id, folderId: 7, fromEmail: 'ann@x.test', fromName: 'Ann', subject: subject.replace(/<\/?mark>/g, ''), snippet: '',
  isRead: false, isStarred: false, hasAttachments: false, sentAt: '2026-01-01T00:00:00.000Z', createdAt: '2026-01-01T00:00:00.000Z',
  messageCount: 1, unreadCount: 1, lastMessageAt: '2026-01-01T00:00:00.000Z', participants: [],
  highlight: { subject, from: 'Ann &#60;ann@x.test&#62;', snippet, attachments: [] },
} as unknown as SearchResultDto);

describe('SearchPage', { timeout: 30_000 }, () => {
  it('marks the matched words, opens a result, and pages with the cursor', async () => {
    const search = vi.mocked(searchMail);
    search.mockResolvedValueOnce({ messages: [hit(1, 'Quarterly <mark>invoice</mark>', 'the &#60;b&#62;<mark>invoice</mark>&#60;/b&#62;')], nextCursor: 'c1' });
    search.mockResolvedValueOnce({ messages: [hit(2, 'Old <mark>invoice</mark>', '')], nextCursor: null });
    const onOpen = vi.fn();
    const { container } = render(<SearchPage query="invoice" onOpen={onOpen} />);
    await screen.findByText('Quarterly');
    expect([...container.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['invoice', 'invoice']);
    expect(container.querySelector('b')).toBeNull();
    expect(screen.getByText('<b>', { exact: false })).toBeTruthy();
    fireEvent.click(screen.getByText('Quarterly'));
    expect(onOpen).toHaveBeenCalledWith(7, 101);
    fireEvent.click(screen.getByRole('button', { name: 'More results' }));
    await screen.findByText('Old');
    expect(search).toHaveBeenLastCalledWith('invoice', 'c1');
    expect(screen.queryByRole('button', { name: 'More results' })).toBeNull();
  });

  it('shows why a query was refused', async () => {
    vi.mocked(searchMail).mockRejectedValueOnce(new ApiError('invalid', 'invalid_date', 'before: takes a date as YYYY-MM-DD, not "yesterday"', 400));
    render(<SearchPage query="before:yesterday" onOpen={() => {}} />);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('before: takes a date'));
  });
});
