// Shows untrusted HTML in a sandboxed iframe (see srcdoc-builder.ts for the
// rules), as tall as its content: the height is measured outside the frame
// (use-content-height.ts), since nothing in the sandbox can report it.
import type { AttachmentDto } from '@contracts/api';
import { useMemo, useRef } from 'react';
import { LoadingState } from '../../../components/view-states';
import { useAttachmentDataUrls } from '../hooks/use-attachment-blob';
import { useContentHeight, useElementWidth } from '../hooks/use-content-height';
import { buildSrcdoc, IFRAME_SANDBOX } from '../model/srcdoc-builder';

interface Props {
  html: string;
  attachments: readonly AttachmentDto[];
  inlineAttachments: readonly AttachmentDto[];
  allowRemote: boolean;
  onAllowRemote: () => void;
  title: string;
}

export function HtmlBodyFrame({ html, attachments, inlineAttachments, allowRemote, onAllowRemote, title }: Props) {
  const inline = useAttachmentDataUrls(inlineAttachments);
  const built = useMemo(
    () => (inline.done ? buildSrcdoc(html, { allowRemote, inlineDataUrls: inline.urls, attachments }) : null),
    [html, allowRemote, inline.done, inline.urls, attachments],
  );
  const wrap = useRef<HTMLDivElement>(null);
  const width = useElementWidth(wrap);
  const height = useContentHeight(built?.layout ?? null, width);
  return (
    <div className="html-body">
      {built && built.blockedRemote > 0 && (
        <div className="remote-content-bar" role="note">
          <span>Remote images and styles are hidden to protect your privacy.</span>
          <button type="button" onClick={onAllowRemote}>
            Show remote content
          </button>
        </div>
      )}
      <div className="html-body-frame-wrap" ref={wrap}>
        {built ? (
          <iframe
            className="html-body-frame"
            title={title}
            sandbox={IFRAME_SANDBOX}
            referrerPolicy="no-referrer"
            srcDoc={built.srcdoc}
            style={height === null ? undefined : { height }}
            data-testid="html-body-frame"
            data-measured={height !== null}
          />
        ) : (
          <LoadingState label="Loading message…" />
        )}
      </div>
    </div>
  );
}
