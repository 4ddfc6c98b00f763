// A message on its way: the words as typed, a clock until the server has it,
// and, when sending failed, why, with "Retry" and "Discard".
import { formatBytes } from '../../../lib/format';
import type { OutboxEntry } from '../model/outbox';
import { DeliveryTicks } from './delivery-ticks-view';

interface Props {
  entry: OutboxEntry;
  onRetry: () => void;
  onDiscard: () => void;
}

export function OutgoingBubble({ entry, onRetry, onDiscard }: Props) {
  const failed = entry.status === 'failed';
  return (
    <div className={`bubble bubble-outgoing ${failed ? 'is-failed' : ''}`} data-testid="chat-bubble" data-local-id={entry.localId} data-status={entry.status}>
      <div className="bubble-text">
        <div className="bubble-plain">{entry.text.trim()}</div>
      </div>
      {entry.files.length > 0 && (
        <ul className="bubble-pending-files">
          {entry.files.map((f, i) => (
            <li key={i}>
              {f.name} <span className="muted">({formatBytes(f.size)})</span>
            </li>
          ))}
        </ul>
      )}
      <div className="bubble-footer">
        {failed ? (
          <span className="bubble-failure" role="alert">
            Not sent: {entry.error}{' '}
            <button type="button" className="link-button" onClick={onRetry}>
              Retry
            </button>
            <button type="button" className="link-button" onClick={onDiscard}>
              Discard
            </button>
          </span>
        ) : (
          <span className="bubble-meta">
            <DeliveryTicks ticks={{ kind: 'pending' }} />
          </span>
        )}
      </div>
    </div>
  );
}
