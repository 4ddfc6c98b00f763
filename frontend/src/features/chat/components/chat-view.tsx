// A conversation as a chat: who is in it (with presence), the bubbles
// grouped by sender and day, "… is typing", and the composer. The mailbox
// owns the conversation's messages (and refetches them on new mail); this
// view adds what a chat needs on top: bubbles for messages on their way,
// a bubble as soon as new mail is announced, and live delivery ticks.
import type { MessageDto, RecipientStatusDto, ThreadDto } from '@contracts/api';
import type { NewEmailEvent } from '@contracts/events';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { Avatar } from '../../../components/avatar';
import { useMinuteClock } from '../../../lib/minute-clock';
import type { SocketState } from '../../../lib/socket';
import { useOutbox } from '../hooks/chat-outbox';
import { useChatEvents } from '../hooks/use-chat-events';
import { usePresence } from '../hooks/use-presence';
import { useTyping } from '../hooks/use-typing';
import { chatReplyTarget, otherPeople } from '../model/chat-reply';
import { buildTimeline, type TimelineEntry } from '../model/chat-timeline';
import { fromDeliveryEvent, fromReadEvent, ticksFor, withStatus } from '../model/delivery-ticks';
import { alreadyStored, outboxIn, type OutboxEntry } from '../model/outbox';
import { presenceText } from '../model/presence-text';
import { typingText } from '../model/typing';
import { ChatBubble } from './chat-bubble';
import { ChatComposer } from './chat-composer';
import type { ChatRenderers } from './chat-renderers';
import { OutgoingBubble } from './outgoing-bubble';
import { PresenceDot } from './presence-dot';
import './chat.css';

interface Props {
  thread: ThreadDto;
  messages: MessageDto[];
  myAddress: string;
  socket: SocketState;
  renderers: ChatRenderers;
}

type ChatEntry = TimelineEntry & ({ type: 'stored'; message: MessageDto } | { type: 'outgoing'; entry: OutboxEntry });

type StatusChange = Parameters<typeof withStatus>[1];

export function ChatView({ thread, messages, myAddress, socket, renderers }: Props) {
  const me = myAddress.toLowerCase();
  const outbox = useOutbox();
  const people = useMemo(() => otherPeople(messages, myAddress), [messages, myAddress]);
  const presence = usePresence(socket, useMemo(() => people.map((p) => p.address), [people]));
  const typing = useTyping(socket.socket, thread.id);
  const now = useMinuteClock();
  const [files, setFiles] = useState<File[]>([]);

  // Announced mail shows at once; the mailbox's refetch then brings the full copy.
  const [announced, setAnnounced] = useState<MessageDto[]>([]);
  // Ticks that moved since the messages were fetched.
  const [changes, setChanges] = useState<ReadonlyMap<number, StatusChange[]>>(new Map());
  useChatEvents(socket.socket, {
    onNewEmail(event) {
      if (event.email.threadId === thread.id) setAnnounced((list) => [...list.filter((m) => m.id !== event.email.id), fromEvent(event)]);
    },
    onDeliveryStatus(event) {
      if (event.threadId === thread.id) setChanges((c) => addChange(c, event.messageId, fromDeliveryEvent(event)));
    },
    onMessageRead(event) {
      if (event.threadId === thread.id) setChanges((c) => addChange(c, event.messageId, fromReadEvent(event)));
    },
  });

  const storedIds = useMemo(() => messages.map((m) => m.id), [messages]);
  const { stored } = outbox;
  useEffect(() => {
    stored(storedIds);
    setAnnounced((list) => (list.length === 0 ? list : list.filter((m) => !storedIds.includes(m.id))));
  }, [storedIds, stored]);

  const entries = useMemo(() => {
    const shown = new Set(storedIds);
    const list: ChatEntry[] = [];
    const addStored = (m: MessageDto) => {
      shown.add(m.id);
      const mine = m.fromEmail.toLowerCase() === me;
      list.push({ type: 'stored', message: m, key: `m${m.id}`, senderAddress: m.fromEmail, senderName: m.fromName, mine, at: m.createdAt });
    };
    messages.forEach(addStored);
    for (const m of announced) if (!shown.has(m.id)) addStored(m);
    const pending = outboxIn(outbox.entries, thread.id);
    const storedMine = list.flatMap((x) => (x.type === 'stored' && x.mine ? [x.message] : []));
    const shownAlready = alreadyStored(pending, storedMine);
    for (const e of pending) {
      if (shownAlready.has(e.localId)) continue;
      if (e.status === 'sent' && e.message) {
        if (!shown.has(e.message.id)) addStored(e.message);
      } else {
        list.push({ type: 'outgoing', entry: e, key: e.localId, senderAddress: myAddress, senderName: '', mine: true, at: e.createdAt });
      }
    }
    return list;
  }, [messages, announced, outbox.entries, thread.id, me, myAddress, storedIds]);
  const timeline = useMemo(() => buildTimeline(entries, new Date(now)), [entries, now]);
  const target = chatReplyTarget(messages, myAddress, thread.subject);
  const manyPeople = people.length > 1;

  const scroller = useStickToBottom(entries.length, typing.typists.length);

  function onDrop(e: DragEvent) {
    if (e.dataTransfer.files.length === 0) return;
    e.preventDefault();
    setFiles((f) => [...f, ...e.dataTransfer.files]);
  }

  return (
    <div className="chat-view" data-testid="chat-view" onDragOver={(e) => e.dataTransfer.types.includes('Files') && e.preventDefault()} onDrop={onDrop}>
      <ChatPeople people={people} presence={presence} now={now} />
      <div className="chat-timeline" ref={scroller} role="log" aria-label="Messages" aria-live="polite">
        {timeline.map((item) =>
          item.type === 'day' ? (
            <div key={item.key} className="day-separator" role="separator" aria-label={item.label}>
              <span>{item.label}</span>
            </div>
          ) : (
            <div key={item.key} className={`bubble-group ${item.mine ? 'mine' : 'theirs'}`}>
              {!item.mine && <Avatar name={item.senderName} address={item.senderAddress} size={30} />}
              <div className="bubble-stack">
                {!item.mine && manyPeople && <div className="bubble-sender">{item.senderName || item.senderAddress}</div>}
                {item.entries.map((e) =>
                  e.type === 'stored' ? (
                    <ChatBubble
                      key={e.key}
                      message={e.message}
                      ticks={e.mine ? ticksFor(recipientsOf(e.message, changes)) : null}
                      renderers={renderers}
                    />
                  ) : (
                    <OutgoingBubble
                      key={e.key}
                      entry={e.entry}
                      onRetry={() => outbox.retry(e.entry.localId)}
                      onDiscard={() => outbox.discard(e.entry.localId)}
                    />
                  ),
                )}
              </div>
            </div>
          ),
        )}
      </div>
      <div className="typing-indicator" data-testid="typing-indicator" aria-live="polite">
        {typing.typists.length > 0 && <span className="typing-text">{typingText(typing.typists)}</span>}
      </div>
      <ChatComposer
        disabledReason={target ? null : 'Nobody to answer in this conversation'}
        files={files}
        onFilesChange={setFiles}
        onTyping={typing.notifyTyping}
        onSend={(text, sendFiles) => {
          if (!target) return;
          outbox.send(thread.id, { to: target.to, cc: target.cc, subject: target.subject, inReplyToId: target.inReplyToId }, text, sendFiles);
          typing.messageSent();
        }}
      />
    </div>
  );
}

function ChatPeople({ people, presence, now }: { people: ReturnType<typeof otherPeople>; presence: ReturnType<typeof usePresence>; now: number }) {
  if (people.length === 0) return null;
  const shown = people.slice(0, 4);
  const single = people.length === 1 ? presence.get(people[0]!.address.toLowerCase()) : undefined;
  return (
    <header className="chat-people" aria-label="People in this conversation">
      <ul className="chat-people-list">
        {shown.map((p) => (
          <li key={p.address} className="chat-person" title={p.address}>
            <span className="chat-person-avatar">
              <Avatar name={p.name} address={p.address} size={28} />
              <PresenceDot presence={presence.get(p.address.toLowerCase())} />
            </span>
            <span className="chat-person-name">{p.name || p.address}</span>
          </li>
        ))}
        {people.length > shown.length && <li className="muted">and {people.length - shown.length} more</li>}
      </ul>
      {single && (
        <span className="chat-presence-text" data-testid="presence-text">
          {presenceText(single, new Date(now))}
        </span>
      )}
    </header>
  );
}

/** Keeps the newest bubble in view when something is added, unless the reader has scrolled up to read. */
function useStickToBottom(count: number, typists: number) {
  const ref = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onScroll = () => {
      atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, []);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [count, typists]);
  return ref;
}

function addChange(changes: ReadonlyMap<number, StatusChange[]>, messageId: number, change: StatusChange) {
  const next = new Map(changes);
  next.set(messageId, [...(next.get(messageId) ?? []), change]);
  return next;
}

function recipientsOf(message: MessageDto, changes: ReadonlyMap<number, StatusChange[]>): RecipientStatusDto[] | undefined {
  const list = changes.get(message.id);
  return list ? list.reduce<RecipientStatusDto[]>((r, c) => withStatus(r, c), message.recipients ?? []) : message.recipients;
}

/** The announced copy, until the conversation's refetch brings the full one. */
function fromEvent(event: NewEmailEvent): MessageDto {
  const e = event.email;
  return {
    id: e.id, threadId: e.threadId, folderId: e.folderId, fromEmail: e.fromEmail, fromName: e.fromName, subject: e.subject,
    snippet: e.snippet, isRead: e.isRead, isStarred: e.isStarred, hasAttachments: e.hasAttachments, sentAt: e.sentAt,
    createdAt: e.createdAt, messageId: null, inReplyTo: null, to: [], cc: [], bodyText: e.bodyText, bodyHtml: e.bodyHtml,
    sizeBytes: 0, attachments: [], quotedRanges: e.quotedRanges ?? [],
  };
}
