// Plain text as text: React escapes every segment; links are built from
// linkify's vetted hrefs, never from markup in the mail.
import { useMemo } from 'react';
import { linkify } from '../model/linkify';

export function PlainTextBody({ text }: { text: string }) {
  const segments = useMemo(() => linkify(text), [text]);
  return (
    <div className="plain-text-body" data-testid="plain-text-body">
      {segments.map((s, i) =>
        s.kind === 'text' ? (
          <span key={i}>{s.text}</span>
        ) : (
          <a key={i} href={s.href} target="_blank" rel="noopener noreferrer nofollow">
            {s.text}
          </a>
        ),
      )}
    </div>
  );
}
