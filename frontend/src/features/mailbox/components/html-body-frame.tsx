// Shows untrusted HTML in a sandboxed iframe (see srcdoc-builder.ts for the
// rules). The sandbox has no allow-same-origin, so we cannot measure the
// content: the frame gets a fixed, user-resizable height instead.
import type { AttachmentDto } from '@contracts/api';
import { useMemo } from 'react';
import { LoadingState } from '../../../components/view-states';
import { useAttachmentDataUrls } from '../hooks/use-attachment-blob';
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
  if (!built) return <LoadingState label="Loading message…" />;
  return (
    <div className="html-body">
      {built.blockedRemote > 0 && (
        <div className="remote-content-bar" role="note">
          <span>Remote images and styles are hidden to protect your privacy.</span>
          <button type="button" onClick={onAllowRemote}>
            Show remote content
          </button>
        </div>
      )}
      <div className="html-body-frame-wrap">
        <iframe
          className="html-body-frame"
          title={title}
          sandbox={IFRAME_SANDBOX}
          referrerPolicy="no-referrer"
          srcDoc={built.srcdoc}
          data-testid="html-body-frame"
        />
      </div>
    </div>
  );
}
