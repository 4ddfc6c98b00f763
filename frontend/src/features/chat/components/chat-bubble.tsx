// One message as a bubble: the new words (quoted text and signature behind
// "…"), pictures inline, other files as chips, the time and, on one's own
// messages, the ticks. A newsletter is a card that opens into the sandboxed
// frame; an HTML note shows its words, its formatting a click away.
import type { AttachmentDto, MessageDto } from '@contracts/api';
import { memo, useMemo, useState } from 'react';
import { formatFullDate } from '../../../lib/format';
import { useAttachmentUrl } from '../hooks/use-attachment-url';
import { bubbleKind } from '../model/bubble-kind';
import { clockTime } from '../model/chat-timeline';
import type { Ticks } from '../model/delivery-ticks';
import { splitQuoted } from '../model/quoted-segments';
import type { ChatRenderers } from './chat-renderers';
import { DeliveryTicks } from './delivery-ticks-view';

const PICTURE = /^image\/(png|jpe?g|gif|webp|bmp|avif)$/i;

interface Props {
  message: MessageDto;
  ticks: Ticks | null;
  renderers: ChatRenderers;
}

/**
 * A bubble re-renders only when what it shows changed: a conversation's
 * refetch hands over new objects for every message, and a chat of hundreds
 * of bubbles re-rendered on every event costs the page (and the machine) more
 * than the event itself.
 */
export const ChatBubble = memo(ChatBubbleView, (a, b) =>
  a.renderers === b.renderers &&
  sameTicks(a.ticks, b.ticks) &&
  (a.message === b.message ||
    (a.message.id === b.message.id && a.message.bodyText === b.message.bodyText && a.message.bodyHtml === b.message.bodyHtml &&
      a.message.createdAt === b.message.createdAt && a.message.subject === b.message.subject &&
      JSON.stringify(a.message.quotedRanges) === JSON.stringify(b.message.quotedRanges) &&
      a.message.attachments.map((x) => x.id).join() === b.message.attachments.map((x) => x.id).join())),
);

function sameTicks(a: Ticks | null, b: Ticks | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind !== b.kind) return false;
  return a.kind !== 'failed' || JSON.stringify(a.failed) === JSON.stringify((b as typeof a).failed);
}

function ChatBubbleView({ message, ticks, renderers }: Props) {
  const kind = useMemo(() => bubbleKind(message), [message]);
  const [formatted, setFormatted] = useState(false);
  const [open, setOpen] = useState(false);
  const pictures = message.attachments.filter((a) => PICTURE.test(a.contentType));
  const files = message.attachments.filter((a) => !PICTURE.test(a.contentType));
  const meta = (
    <span className="bubble-meta">
      <time dateTime={message.createdAt} title={formatFullDate(message.sentAt)}>
        {clockTime(message.createdAt)}
      </time>
      {ticks && <DeliveryTicks ticks={ticks} />}
    </span>
  );

  if (kind === 'newsletter') {
    return (
      <div className={`bubble bubble-card ${open ? 'is-open' : ''}`} data-testid="chat-bubble" data-message-id={message.id} data-kind={kind}>
        <div className="bubble-card-head">
          <strong className="bubble-card-subject">{message.subject || '(no subject)'}</strong>
          <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Close' : 'Open'}
          </button>
        </div>
        {open ? renderers.htmlBody(message) : <p className="bubble-card-snippet">{message.snippet}</p>}
        {meta}
      </div>
    );
  }

  return (
    <div className={`bubble ${formatted ? 'is-formatted' : ''}`} data-testid="chat-bubble" data-message-id={message.id} data-kind={kind}>
      {formatted ? renderers.htmlBody(message) : <BubbleText message={message} renderers={renderers} />}
      {pictures.length > 0 && (
        <div className="bubble-pictures">
          {pictures.map((a) => (
            <BubblePicture key={a.id} attachment={a} />
          ))}
        </div>
      )}
      {files.length > 0 && <div className="bubble-files">{renderers.attachments(files)}</div>}
      <div className="bubble-footer">
        {kind === 'html-note' && (
          <button type="button" className="link-button bubble-format-toggle" onClick={() => setFormatted(!formatted)}>
            {formatted ? 'Show as text' : 'Show formatted'}
          </button>
        )}
        {meta}
      </div>
    </div>
  );
}

function BubbleText({ message, renderers }: { message: MessageDto; renderers: ChatRenderers }) {
  const [showQuoted, setShowQuoted] = useState(false);
  const segments = useMemo(() => trimEnds(splitQuoted(message.bodyText, message.quotedRanges)), [message.bodyText, message.quotedRanges]);
  const hasQuoted = segments.some((s) => s.folded);
  const empty = segments.every((s) => s.folded || s.text.trim() === '');
  return (
    <div className="bubble-text">
      {empty && !showQuoted && <span className="muted">{message.attachments.length > 0 ? '' : '(no text)'}</span>}
      {segments.map((s, i) =>
        s.folded ? (
          showQuoted && (
            <div key={i} className="bubble-quoted" data-testid="quoted-text">
              {renderers.plainText(s.text.replace(/^\s+|\s+$/g, ''))}
            </div>
          )
        ) : (
          s.text && <div key={i}>{renderers.plainText(s.text)}</div>
        ),
      )}
      {hasQuoted && (
        <button
          type="button"
          className="quote-toggle"
          aria-expanded={showQuoted}
          aria-label={showQuoted ? 'Hide quoted text' : 'Show quoted text'}
          title={showQuoted ? 'Hide quoted text' : 'Show quoted text'}
          onClick={() => setShowQuoted(!showQuoted)}
        >
          …
        </button>
      )}
    </div>
  );
}

/** White space at the very start and end of the body is not part of the words. */
function trimEnds(segments: ReturnType<typeof splitQuoted>) {
  const out = segments.map((s) => ({ ...s }));
  const visible = out.filter((s) => !s.folded);
  if (visible.length > 0) {
    visible[0]!.text = visible[0]!.text.replace(/^\s+/, '');
    visible[visible.length - 1]!.text = visible[visible.length - 1]!.text.replace(/\s+$/, '');
  }
  return out;
}

function BubblePicture({ attachment }: { attachment: AttachmentDto }) {
  const url = useAttachmentUrl(attachment.id);
  return (
    <a className="bubble-picture" href={url ?? undefined} target="_blank" rel="noopener noreferrer" title={attachment.filename}>
      {url ? <img src={url} alt={attachment.filename} /> : <span className="bubble-picture-placeholder" aria-label={`Loading ${attachment.filename}`} />}
    </a>
  );
}
