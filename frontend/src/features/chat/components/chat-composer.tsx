// The composer under a chat: Enter sends, Shift+Enter starts a new line,
// files come from the clip button, a paste or a drop (the drop target is the
// whole chat, see chat-view.tsx). Typing is announced (throttled by the hook).
import { useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import { Icon } from '../../../components/icons';
import { formatBytes } from '../../../lib/format';
import { composerKeyAction } from '../model/composer-keys';

interface Props {
  /** why nothing can be sent here (e.g. nobody to answer), or null */
  disabledReason: string | null;
  files: readonly File[];
  onFilesChange: (files: File[]) => void;
  onSend: (text: string, files: readonly File[]) => void;
  onTyping: () => void;
  placeholder?: string;
  /** the text, when the caller keeps it (then the caller also clears it after sending) */
  draft?: { text: string; setText: (text: string) => void };
}

export function ChatComposer({ disabledReason, files, onFilesChange, onSend, onTyping, placeholder = 'Message', draft }: Props) {
  const [ownText, setOwnText] = useState('');
  const text = draft ? draft.text : ownText;
  const setText = draft ? draft.setText : setOwnText;
  const picker = useRef<HTMLInputElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const canSend = disabledReason === null && (text.trim() !== '' || files.length > 0);

  function send() {
    if (!canSend) return;
    onSend(text, files);
    if (!draft) {
      setText('');
      onFilesChange([]);
    }
    area.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    const action = composerKeyAction({
      key: e.key, shiftKey: e.shiftKey, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey,
      isComposing: e.nativeEvent.isComposing, keyCode: e.keyCode,
    });
    if (action === 'send') {
      e.preventDefault();
      send();
    }
  }

  function onPaste(e: ClipboardEvent<HTMLTextAreaElement>) {
    const pasted = [...e.clipboardData.files];
    if (pasted.length === 0) return;
    // A pasted picture is a file, not its name as text.
    e.preventDefault();
    onFilesChange([...files, ...pasted]);
  }

  return (
    <form
      className="chat-composer"
      aria-label="Write a message"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {files.length > 0 && (
        <ul className="composer-files" aria-label="Files to send">
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`} className="composer-file">
              <span className="composer-file-name">{f.name}</span> <span className="muted">{formatBytes(f.size)}</span>
              <button type="button" className="icon-button" aria-label={`Remove ${f.name}`} onClick={() => onFilesChange(files.filter((_, j) => j !== i))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="composer-row">
        <button type="button" className="icon-button" aria-label="Attach files" title="Attach files" onClick={() => picker.current?.click()}>
          <Icon name="clip" size={20} />
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          onChange={(e) => {
            onFilesChange([...files, ...(e.target.files ? [...e.target.files] : [])]);
            e.target.value = '';
          }}
        />
        <textarea
          ref={area}
          className="composer-input"
          aria-label="Message text"
          placeholder={disabledReason ?? placeholder}
          disabled={disabledReason !== null}
          rows={1}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value.trim() !== '') onTyping();
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        <button type="submit" className="primary composer-send" aria-label="Send" title="Send (Enter)" disabled={!canSend}>
          <Icon name="sent" size={18} />
        </button>
      </div>
    </form>
  );
}
