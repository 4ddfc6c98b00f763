// Text with the server's matched words in <mark>, built as React nodes.
import { highlightParts } from '../model/highlight-parts';

export function HighlightedText({ html }: { html: string }) {
  return (
    <>
      {highlightParts(html).map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  );
}
