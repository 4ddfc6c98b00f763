// The chat view with a fake socket and a stubbed API: bubbles on the right
// side, quoted text behind the toggle, Enter sending an optimistic bubble that
// becomes the stored copy, a failed send with Retry, and the typing indicator
// fading six seconds after the last event (on fake timers, not a wait).
import type { MessageDto, ThreadDto } from '@contracts/api';
import type { ServerToClientEvents } from '@contracts/events';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MailSocket, SocketState } from '../../../lib/socket';
import { sendChatMessage } from '../api/chat-api';
import { ChatOutboxProvider } from '../hooks/chat-outbox';
import { ChatView } from './chat-view';

vi.mock('../api/chat-api', () => ({
  sendChatMessage: vi.fn(),
  fetchPresence: vi.fn(async () => [{ address: 'jane@example.com', online: true, lastSeenAt: null }]),
  fetchAttachmentBlob: vi.fn(async () => new Blob([])),
}));

type Handler = (payload: never) => void;
function fakeSocket() {
  const handlers = new Map<string, Set<Handler>>();
  const emitted: Array<[string, unknown]> = [];
  const socket = {
    connected: true,
    on(event: string, h: Handler) {
      (handlers.get(event) ?? handlers.set(event, new Set()).get(event)!).add(h);
    },
    off(event: string, h: Handler) {
      handlers.get(event)?.delete(h);
    },
    emit(event: string, payload: unknown) {
      emitted.push([event, payload]);
    },
  };
  const serverSends = <K extends keyof ServerToClientEvents>(event: K, payload: Parameters<ServerToClientEvents[K]>[0]) =>
    act(() => handlers.get(event)?.forEach((h) => h(payload as never)));
  return { state: { socket: socket as unknown as MailSocket, status: 'connected', reconnects: 0 } as SocketState, serverSends, emitted };
}

const thread: ThreadDto = { id: 4, subject: 'Plans', messageCount: 2, unreadCount: 0, lastMessageAt: '', participants: [] };
const base = {
  threadId: 4, folderId: 1, subject: 'Plans', snippet: '', isRead: true, isStarred: false, hasAttachments: false,
  messageId: null, inReplyTo: null, cc: [], bodyHtml: '', sizeBytes: 0, attachments: [],
};
const now = new Date();
const theirs: MessageDto = {
  ...base, id: 1, fromEmail: 'jane@example.com', fromName: 'Jane', to: [{ address: 'me@example.com', name: '' }],
  bodyText: 'Lunch at noon?\n\nOn Mon, Me wrote:\n> are you free?\n', quotedRanges: [{ start: 14, end: 50, kind: 'quote' }],
  sentAt: now.toISOString(), createdAt: now.toISOString(),
};
const mine: MessageDto = {
  ...base, id: 2, fromEmail: 'me@example.com', fromName: 'Me', to: [{ address: 'jane@example.com', name: 'Jane' }],
  bodyText: 'Sure!', quotedRanges: [], sentAt: now.toISOString(), createdAt: now.toISOString(),
  recipients: [{ address: 'jane@example.com', name: 'Jane', status: 'delivered', at: now.toISOString() }],
};
const renderers = {
  htmlBody: () => <div>frame</div>,
  plainText: (text: string) => <span>{text}</span>,
  attachments: () => null,
};

function renderChat(messages: MessageDto[], socket = fakeSocket()) {
  const view = render(
    <ChatOutboxProvider>
      <ChatView thread={thread} messages={messages} myAddress="me@example.com" socket={socket.state} renderers={renderers} />
    </ChatOutboxProvider>,
  );
  return { ...view, socket };
}

const bubbles = () => screen.getAllByTestId('chat-bubble');

describe('ChatView', () => {
  afterEach(() => vi.useRealTimers());
  beforeEach(() => vi.mocked(sendChatMessage).mockReset());

  it('puts theirs and mine on their sides, with the quote behind the toggle and ticks on mine', async () => {
    renderChat([theirs, mine]);
    const [first, second] = bubbles();
    expect(first!.closest('.bubble-group')!.className).toContain('theirs');
    expect(second!.closest('.bubble-group')!.className).toContain('mine');
    expect(first!.textContent).toContain('Lunch at noon?');
    expect(first!.textContent).not.toContain('are you free?');
    fireEvent.click(within(first!).getByRole('button', { name: 'Show quoted text' }));
    expect(within(first!).getByTestId('quoted-text').textContent).toContain('> are you free?');
    expect(within(second!).getByRole('img', { name: 'Delivered' }).dataset.ticks).toBe('delivered');
    expect(screen.getByRole('separator', { name: 'Today' })).toBeDefined();
  });

  it('Enter sends a bubble at once; it becomes the stored copy; Shift+Enter does not send', async () => {
    let answer!: (m: MessageDto) => void;
    vi.mocked(sendChatMessage).mockReturnValue(new Promise((resolve) => (answer = resolve)));
    const { rerender, socket } = renderChat([theirs]);
    const input = screen.getByLabelText('Message text');
    fireEvent.change(input, { target: { value: 'On my way' } });
    fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    expect(sendChatMessage).not.toHaveBeenCalled();
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(sendChatMessage).toHaveBeenCalledWith(
      { to: ['jane@example.com'], cc: [], subject: 'Re: Plans', inReplyToId: 1, text: 'On my way' },
      [],
    );
    expect((input as HTMLTextAreaElement).value).toBe('');
    const pending = bubbles()[1]!;
    expect(pending.dataset.status).toBe('sending');
    expect(within(pending).getByRole('img', { name: 'Sending' })).toBeDefined();
    expect(socket.emitted).toContainEqual(['typing', { threadId: 4 }]);

    const stored: MessageDto = { ...mine, id: 3, bodyText: 'On my way', recipients: [] };
    await act(async () => answer(stored));
    expect(bubbles()[1]!.dataset.messageId).toBe('3');
    // The conversation's refetch brings the same copy: still one bubble.
    rerender(
      <ChatOutboxProvider>
        <ChatView thread={thread} messages={[theirs, stored]} myAddress="me@example.com" socket={socket.state} renderers={renderers} />
      </ChatOutboxProvider>,
    );
    expect(bubbles()).toHaveLength(2);
  });

  it('one bubble when the stored copy is announced before the POST answers', async () => {
    let answer!: (m: MessageDto) => void;
    vi.mocked(sendChatMessage).mockReturnValue(new Promise((resolve) => (answer = resolve)));
    const { socket } = renderChat([theirs]);
    const input = screen.getByLabelText('Message text');
    fireEvent.change(input, { target: { value: 'Racing' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(bubbles()).toHaveLength(2);
    const at = new Date(Date.now() + 5).toISOString();
    socket.serverSends('new_email', {
      folderId: 2,
      email: {
        id: 7, threadId: 4, fromEmail: 'me@example.com', fromName: 'Me', subject: 'Re: Plans', bodyText: 'Racing\n', bodyHtml: '',
        isRead: true, sentAt: at, createdAt: at, folderId: 2, snippet: 'Racing', hasAttachments: false, isStarred: false, quotedRanges: [],
      },
    });
    expect(bubbles().map((b) => b.dataset.messageId ?? b.dataset.status)).toEqual(['1', '7']);
    await act(async () => answer({ ...mine, id: 7, bodyText: 'Racing\n' }));
    expect(bubbles().map((b) => b.dataset.messageId)).toEqual(['1', '7']);
  });

  it('a failed send stays with the reason and a Retry that sends again', async () => {
    vi.mocked(sendChatMessage).mockRejectedValueOnce(new Error('The server is unreachable'));
    renderChat([theirs]);
    const input = screen.getByLabelText('Message text');
    fireEvent.change(input, { target: { value: 'Hello?' } });
    await act(async () => fireEvent.keyDown(input, { key: 'Enter' }));
    const failed = bubbles()[1]!;
    expect(failed.dataset.status).toBe('failed');
    expect(within(failed).getByRole('alert').textContent).toContain('The server is unreachable');
    vi.mocked(sendChatMessage).mockResolvedValueOnce({ ...mine, id: 9, bodyText: 'Hello?' });
    await act(async () => fireEvent.click(within(failed).getByRole('button', { name: 'Retry' })));
    expect(sendChatMessage).toHaveBeenCalledTimes(2);
    expect(bubbles()[1]!.dataset.messageId).toBe('9');
  });

  it('shows who is typing and fades six seconds after the last event', () => {
    vi.useFakeTimers();
    const { socket } = renderChat([theirs, mine]);
    const indicator = screen.getByTestId('typing-indicator');
    socket.serverSends('typing', { threadId: 4, from: { address: 'jane@example.com', name: 'Jane' } });
    expect(indicator.textContent).toBe('Jane is typing…');
    socket.serverSends('typing', { threadId: 99, from: { address: 'bob@example.com', name: 'Bob' } }); // another conversation
    act(() => vi.advanceTimersByTime(4_000));
    socket.serverSends('typing', { threadId: 4, from: { address: 'jane@example.com', name: 'Jane' } });
    act(() => vi.advanceTimersByTime(5_999));
    expect(indicator.textContent).toBe('Jane is typing…');
    act(() => vi.advanceTimersByTime(1));
    expect(indicator.textContent).toBe('');
  });

  it('live ticks: delivered, then read when the recipient opens it', () => {
    const { socket } = renderChat([theirs, { ...mine, recipients: [{ address: 'jane@example.com', name: 'Jane', status: 'queued', at: '' }] }]);
    const ticks = () => within(bubbles()[1]!).getByRole('img').dataset.ticks;
    expect(ticks()).toBe('sent');
    socket.serverSends('delivery_status', { messageId: 2, threadId: 4, recipient: 'jane@example.com', status: 'relayed', at: 'x' });
    expect(ticks()).toBe('delivered');
    socket.serverSends('message_read', { messageId: 2, threadId: 4, reader: { address: 'jane@example.com', name: 'Jane' }, readAt: 'y' });
    expect(ticks()).toBe('read');
    socket.serverSends('message_read', { messageId: 2, threadId: 5, reader: { address: 'x@example.com', name: '' }, readAt: 'y' });
    expect(ticks()).toBe('read');
  });

  it('shows a bubble as soon as new mail in this conversation is announced', () => {
    const { socket } = renderChat([theirs]);
    socket.serverSends('new_email', {
      folderId: 1,
      email: {
        id: 5, threadId: 4, fromEmail: 'jane@example.com', fromName: 'Jane', subject: 'Re: Plans', bodyText: 'Also: bring cake',
        bodyHtml: '', isRead: false, sentAt: now.toISOString(), createdAt: now.toISOString(), folderId: 1, snippet: '',
        hasAttachments: false, isStarred: false, quotedRanges: [],
      },
    });
    expect(bubbles().map((b) => b.dataset.messageId)).toEqual(['1', '5']);
  });
});
