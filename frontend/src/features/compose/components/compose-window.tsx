// A floating "new message" window (full screen on a phone).
import type { MessageDto } from '@contracts/api';
import { useCallback, useState, type FormEvent } from 'react';
import { useSend } from '../hooks/use-send';
import { parseAddressList } from '../model/addresses';
import { FilePicker } from './file-picker';

interface Props {
  onClose: () => void;
  onSent: (message: MessageDto) => void;
}

export function ComposeWindow({ onClose, onSent }: Props) {
  const [to, setTo] = useState('');
  const [cc, setCc] = useState('');
  const [bcc, setBcc] = useState('');
  const [showCc, setShowCc] = useState(false);
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const handleSent = useCallback((m: MessageDto) => onSent(m), [onSent]);
  const { state, send } = useSend(handleSent);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const lists = [parseAddressList(to), parseAddressList(cc), parseAddressList(bcc)] as const;
    const invalid = lists.flatMap((l) => l.invalid);
    if (invalid.length) return setFormError(`Not an email address: ${invalid.join(', ')}`);
    if (lists[0].valid.length === 0) return setFormError('Add at least one recipient.');
    setFormError(null);
    await send({ to: lists[0].valid, cc: lists[1].valid, bcc: lists[2].valid, subject: subject.trim(), text }, files);
  }

  const sending = state.status === 'sending';
  const error = formError ?? (state.status === 'error' ? state.message : null);
  return (
    <div className="compose-window" role="dialog" aria-label="New message" aria-modal="false">
      <form onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && !sending && onClose()}>
        <header className="compose-header">
          <strong>New message</strong>
          <button type="button" className="icon-button" aria-label="Discard draft" onClick={onClose} disabled={sending}>
            ✕
          </button>
        </header>
        <label className="compose-field">
          <span>To</span>
          <input value={to} onChange={(e) => setTo(e.target.value)} autoFocus placeholder="name@example.com, …" />
          {!showCc && (
            <button type="button" className="link-button" onClick={() => setShowCc(true)}>
              Cc/Bcc
            </button>
          )}
        </label>
        {showCc && (
          <>
            <label className="compose-field">
              <span>Cc</span>
              <input value={cc} onChange={(e) => setCc(e.target.value)} />
            </label>
            <label className="compose-field">
              <span>Bcc</span>
              <input value={bcc} onChange={(e) => setBcc(e.target.value)} />
            </label>
          </>
        )}
        <label className="compose-field">
          <span>Subject</span>
          <input value={subject} onChange={(e) => setSubject(e.target.value)} />
        </label>
        <textarea className="compose-body" aria-label="Message" value={text} onChange={(e) => setText(e.target.value)} rows={12} />
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <footer className="compose-footer">
          <button type="submit" className="primary" disabled={sending}>
            {sending ? 'Sending…' : 'Send'}
          </button>
          <FilePicker files={files} onChange={setFiles} />
        </footer>
      </form>
    </div>
  );
}
