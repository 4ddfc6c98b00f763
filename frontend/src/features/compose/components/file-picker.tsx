import { useRef } from 'react';
import { Icon } from '../../../components/icons';
import { formatBytes } from '../../../lib/format';

/** Chosen attachments with remove buttons, plus the hidden file input behind "Attach". */
export function FilePicker({ files, onChange }: { files: File[]; onChange: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="file-picker">
      <button type="button" onClick={() => input.current?.click()}>
        <Icon name="clip" size={14} /> Attach
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Attach files"
        onChange={(e) => {
          onChange([...files, ...Array.from(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      {files.length > 0 && (
        <ul className="chosen-files">
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`}>
              {f.name} <span className="muted">({formatBytes(f.size)})</span>
              <button type="button" className="link-button" aria-label={`Remove ${f.name}`} onClick={() => onChange(files.filter((_, j) => j !== i))}>
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
