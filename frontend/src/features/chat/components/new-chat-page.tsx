// A new conversation with any address: people one has mailed with are
// suggested as one types; the first line of the message is its subject.
import type { ContactDto, MessageDto } from '@contracts/api';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Avatar } from '../../../components/avatar';
import { errorMessage } from '../../../lib/api-error';
import { fetchContacts, sendChatMessage } from '../api/chat-api';
import { subjectFromText } from '../model/chat-reply';
import { matchContacts, parseRecipients } from '../model/contact-match';
import { ChatComposer } from './chat-composer';
import './chat.css';

interface Props {
  initialTo: string;
  onSent: (message: MessageDto) => void;
}

export function NewChatPage({ initialTo, onSent }: Props) {
  const [to, setTo] = useState(initialTo);
  const [contacts, setContacts] = useState<ContactDto[]>([]);
  const [files, setFiles] = useState<File[]>([]);
  const [text, setText] = useState('');
  const [state, setState] = useState<{ status: 'idle' } | { status: 'sending' } | { status: 'error'; message: string }>({ status: 'idle' });
  const [focused, setFocused] = useState(false);
  const [cursor, setCursor] = useState(0);
  const toField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchContacts(controller.signal).then(setContacts, () => undefined);
    return () => controller.abort();
  }, []);

  // Suggestions for the address being typed (after the last comma).
  const typing = to.split(/[,;]/).pop()!.trim();
  const suggestions = useMemo(() => (typing ? matchContacts(contacts, typing, 6) : []), [contacts, typing]);
  const recipients = parseRecipients(to);
  const problem = recipients.invalid.length > 0 ? `Not an address: ${recipients.invalid.join(', ')}` : recipients.valid.length === 0 ? 'Add who to write to' : null;

  function choose(c: ContactDto) {
    const parts = to.split(/[,;]/).slice(0, -1).map((p) => p.trim()).filter(Boolean);
    setTo([...parts, c.address].join(', ') + ', ');
    setCursor(0);
    toField.current?.focus();
  }

  function onToKey(e: KeyboardEvent<HTMLInputElement>) {
    if (suggestions.length === 0 || !focused) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setCursor((c) => (c + 1) % suggestions.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setCursor((c) => (c - 1 + suggestions.length) % suggestions.length);
    } else if ((e.key === 'Enter' || e.key === 'Tab') && suggestions[cursor] && !recipients.valid.some((v) => v.toLowerCase() === typing.toLowerCase())) {
      e.preventDefault();
      choose(suggestions[cursor]!);
    }
  }

  function send(text: string, sendFiles: readonly File[]) {
    if (problem) return setState({ status: 'error', message: problem });
    setState({ status: 'sending' });
    sendChatMessage({ to: recipients.valid, cc: [], subject: subjectFromText(text) || 'Hello', text }, sendFiles).then(onSent, (e) =>
      setState({ status: 'error', message: errorMessage(e) }),
    );
  }

  return (
    <main className="chat-page" aria-label="New chat">
      <div className="chat-page-inner">
        <h1>New chat</h1>
        <div className="new-chat">
          <label className="address-suggest">
            To
            <input
              ref={toField}
              autoFocus={!initialTo}
              aria-label="To"
              role="combobox"
              aria-expanded={focused && suggestions.length > 0}
              aria-controls="new-chat-suggestions"
              aria-autocomplete="list"
              placeholder="name@example.com"
              value={to}
              onChange={(e) => (setTo(e.target.value), setCursor(0))}
              onKeyDown={onToKey}
              onFocus={() => setFocused(true)}
              onBlur={() => setTimeout(() => setFocused(false), 150)}
            />
            {focused && suggestions.length > 0 && (
              <ul className="suggestions" id="new-chat-suggestions" role="listbox">
                {suggestions.map((c, i) => (
                  <li
                    key={c.address}
                    role="option"
                    aria-selected={i === cursor}
                    className="suggestion"
                    onMouseDown={(e) => (e.preventDefault(), choose(c))}
                  >
                    <Avatar name={c.name} address={c.address} size={24} />
                    <span>
                      {c.name ? `${c.name} ` : ''}
                      <span className="muted">{c.address}</span>
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </label>
          {state.status === 'error' && (
            <p className="form-error" role="alert">
              {state.message}
            </p>
          )}
          <ChatComposer
            disabledReason={state.status === 'sending' ? 'Sending…' : null}
            files={files}
            onFilesChange={setFiles}
            onSend={send}
            onTyping={() => undefined}
            placeholder="Write the first message (Enter sends)"
            draft={{ text, setText }}
          />
        </div>
      </div>
    </main>
  );
}
