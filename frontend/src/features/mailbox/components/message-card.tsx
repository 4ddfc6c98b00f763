// One message of a conversation: header (sender, time, recipients on demand),
// body (HTML in the sandbox, or linkified text), attachments.
import type { AddressDto, MessageDto } from '@contracts/api';
import { useMemo, useState } from 'react';
import { Avatar } from '../../../components/avatar';
import { Icon } from '../../../components/icons';
import { RelativeTime } from '../../../components/relative-time';
import { formatFullDate } from '../../../lib/format';
import { inlineAttachmentIds } from '../model/srcdoc-builder';
import { AttachmentList } from './attachment-list';
import { HtmlBodyFrame } from './html-body-frame';
import { PlainTextBody } from './plain-text-body';

interface Props {
  message: MessageDto;
  folderName: string | undefined;
  initiallyExpanded: boolean;
  onToggleStar: (message: MessageDto) => void;
  onDelete: (message: MessageDto) => void;
}

export function MessageCard({ message, folderName, initiallyExpanded, onToggleStar, onDelete }: Props) {
  const [expanded, setExpanded] = useState(initiallyExpanded);
  const [showDetails, setShowDetails] = useState(false);
  const [allowRemote, setAllowRemote] = useState(false);
  const hasHtml = message.bodyHtml.trim().length > 0;
  const [view, setView] = useState<'html' | 'text'>(hasHtml ? 'html' : 'text');

  const inlineIds = useMemo(() => new Set(inlineAttachmentIds(message.bodyHtml, message.attachments)), [message]);
  const inlineAttachments = useMemo(() => message.attachments.filter((a) => inlineIds.has(a.id)), [message, inlineIds]);
  // Inline images are shown in place; listing them again would be noise.
  const listed = useMemo(() => message.attachments.filter((a) => !inlineIds.has(a.id) || view === 'text'), [message, inlineIds, view]);

  const sender = message.fromName || message.fromEmail || '(unknown sender)';
  return (
    <article className={`message-card ${expanded ? 'is-expanded' : ''}`} data-message-id={message.id} aria-label={`Message from ${sender}`}>
      <header className="message-header">
        <Avatar name={message.fromName} address={message.fromEmail} size={36} />
        <button type="button" className="message-summary" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
          <span className="message-from">
            <strong>{sender}</strong>
            {message.fromName && <span className="message-address"> &lt;{message.fromEmail}&gt;</span>}
          </span>
          <RelativeTime className="message-time" iso={message.sentAt} />
          {!expanded && <span className="message-snippet">{message.snippet}</span>}
        </button>
        <div className="message-tools">
          {folderName && <span className="folder-chip">{folderName}</span>}
          <button
            type="button"
            className={`star ${message.isStarred ? 'is-starred' : ''}`}
            aria-pressed={message.isStarred}
            aria-label={message.isStarred ? 'Unstar message' : 'Star message'}
            onClick={() => onToggleStar(message)}
          >
            {message.isStarred ? '★' : '☆'}
          </button>
          <button type="button" className="icon-button" aria-label="Delete message" title="Delete message" onClick={() => onDelete(message)}>
            <Icon name="trash" />
          </button>
        </div>
      </header>
      {expanded && (
        <>
          <div className="message-recipients">
            <button type="button" className="link-button" aria-expanded={showDetails} onClick={() => setShowDetails(!showDetails)}>
              {showDetails ? 'Hide details' : `to ${shortList(message.to)}`}
            </button>
            {showDetails && (
              <dl className="message-details">
                <dt>From</dt>
                <dd>{formatAddress({ address: message.fromEmail, name: message.fromName })}</dd>
                <dt>To</dt>
                <dd>{message.to.map(formatAddress).join(', ') || '—'}</dd>
                {message.cc.length > 0 && (
                  <>
                    <dt>Cc</dt>
                    <dd>{message.cc.map(formatAddress).join(', ')}</dd>
                  </>
                )}
                <dt>Date</dt>
                <dd>{formatFullDate(message.sentAt)}</dd>
                <dt>Subject</dt>
                <dd>{message.subject}</dd>
              </dl>
            )}
            {hasHtml && (
              <button type="button" className="link-button view-toggle" onClick={() => setView(view === 'html' ? 'text' : 'html')}>
                {view === 'html' ? 'Show plain text' : 'Show formatted'}
              </button>
            )}
          </div>
          <div className="message-body">
            {view === 'html' && hasHtml ? (
              <HtmlBodyFrame
                html={message.bodyHtml}
                attachments={message.attachments}
                inlineAttachments={inlineAttachments}
                allowRemote={allowRemote}
                onAllowRemote={() => setAllowRemote(true)}
                title={`Message from ${sender}`}
              />
            ) : (
              <PlainTextBody text={message.bodyText} />
            )}
          </div>
          <AttachmentList attachments={listed} />
        </>
      )}
    </article>
  );
}

function formatAddress(a: AddressDto): string {
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

function shortList(list: AddressDto[]): string {
  if (list.length === 0) return 'undisclosed recipients';
  const names = list.map((a) => a.name || a.address);
  return names.length > 2 ? `${names.slice(0, 2).join(', ')} and ${names.length - 2} more` : names.join(', ');
}
