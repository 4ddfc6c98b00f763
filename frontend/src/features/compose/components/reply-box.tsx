// "Reply" / "Reply all" under a conversation; answers its newest message.
import type { MessageDto, UserDto } from '@contracts/api';
import { useCallback, useState, type FormEvent } from 'react';
import { useSend } from '../hooks/use-send';
import { replyRecipients, replySubject } from '../model/addresses';
import { FilePicker } from './file-picker';

interface Props {
  subject: string;
  messages: MessageDto[];
  me: UserDto;
  onSent: () => void;
}

export function ReplyBox({ subject, messages, me, onSent }: Props) {
  const [mode, setMode] = useState<'closed' | 'reply' | 'all'>('closed');
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const answered = messages[messages.length - 1]!;
  const handleSent = useCallback(() => {
    setMode('closed');
    setText('');
    setFiles([]);
    onSent();
  }, [onSent]);
  const { state, send } = useSend(handleSent);

  const canReplyAll = replyRecipients(answered, me.email, true).cc.length > 0;
  if (mode === 'closed') {
    return (
      <div className="reply-actions">
        <button type="button" onClick={() => setMode('reply')}>
          ↩ Reply
        </button>
        {canReplyAll && (
          <button type="button" onClick={() => setMode('all')}>
            ↩↩ Reply all
          </button>
        )}
      </div>
    );
  }

  const recipients = replyRecipients(answered, me.email, mode === 'all');
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) return;
    await send({ to: recipients.to, cc: recipients.cc, bcc: [], subject: replySubject(subject), text, inReplyToId: answered.id }, files);
  }
  const sending = state.status === 'sending';
  return (
    <form className="reply-box" onSubmit={submit} aria-label="Reply">
      <div className="reply-to muted">
        To {[...recipients.to, ...recipients.cc].join(', ') || '(nobody)'}
      </div>
      <textarea aria-label="Reply text" value={text} onChange={(e) => setText(e.target.value)} rows={6} autoFocus />
      {state.status === 'error' && (
        <p className="form-error" role="alert">
          {state.message}
        </p>
      )}
      <div className="reply-footer">
        <button type="submit" className="primary" disabled={sending || !text.trim() || recipients.to.length === 0}>
          {sending ? 'Sending…' : 'Send'}
        </button>
        <FilePicker files={files} onChange={setFiles} />
        <button type="button" className="link-button" onClick={() => setMode('closed')} disabled={sending}>
          Discard
        </button>
      </div>
    </form>
  );
}
