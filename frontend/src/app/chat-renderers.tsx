// What the chat borrows from the mailbox feature, assembled here where
// features meet (STYLE.md 13): the sandboxed HTML frame, linkified text and
// the attachment list, so HTML mail is shown in exactly one way everywhere.
import type { MessageDto } from '@contracts/api';
import { useMemo, useState } from 'react';
import type { ChatRenderers } from '../features/chat/components/chat-renderers';
import { AttachmentList } from '../features/mailbox/components/attachment-list';
import { HtmlBodyFrame } from '../features/mailbox/components/html-body-frame';
import { PlainTextBody } from '../features/mailbox/components/plain-text-body';
import { inlineAttachmentIds } from '../features/mailbox/model/srcdoc-builder';

function FramedHtml({ message }: { message: MessageDto }) {
  const [allowRemote, setAllowRemote] = useState(false);
  const inline = useMemo(() => {
    const ids = new Set(inlineAttachmentIds(message.bodyHtml, message.attachments));
    return message.attachments.filter((a) => ids.has(a.id));
  }, [message]);
  return (
    <HtmlBodyFrame
      html={message.bodyHtml}
      attachments={message.attachments}
      inlineAttachments={inline}
      allowRemote={allowRemote}
      onAllowRemote={() => setAllowRemote(true)}
      title={`Message from ${message.fromName || message.fromEmail}`}
    />
  );
}

export const chatRenderers: ChatRenderers = {
  htmlBody: (message) => <FramedHtml message={message} />,
  plainText: (text) => <PlainTextBody text={text} />,
  attachments: (attachments) => <AttachmentList attachments={attachments} />,
};
