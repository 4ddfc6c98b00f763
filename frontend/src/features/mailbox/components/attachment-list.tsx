// Attachments: name, size, download, and previews for images. Downloads go
// through fetch (the API needs the bearer header), then a blob URL.
import type { AttachmentDto } from '@contracts/api';
import { useState } from 'react';
import { Icon } from '../../../components/icons';
import { useToast } from '../../../components/toast';
import { errorMessage } from '../../../lib/api-error';
import { formatBytes } from '../../../lib/format';
import { fetchAttachment } from '../api/mailbox-api';
import { useAttachmentObjectUrl } from '../hooks/use-attachment-blob';

const PREVIEWABLE = /^image\/(png|jpe?g|gif|webp|bmp|avif)$/i;

export function AttachmentList({ attachments }: { attachments: readonly AttachmentDto[] }) {
  if (attachments.length === 0) return null;
  return (
    <ul className="attachment-list" aria-label="Attachments">
      {attachments.map((a) => (
        <AttachmentItem key={a.id} attachment={a} />
      ))}
    </ul>
  );
}

function AttachmentItem({ attachment }: { attachment: AttachmentDto }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const isImage = PREVIEWABLE.test(attachment.contentType.split(';')[0]!.trim());
  const previewUrl = useAttachmentObjectUrl(isImage ? attachment.id : null);

  async function download() {
    setBusy(true);
    try {
      const blob = await fetchAttachment(attachment.id);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = attachment.filename || `attachment-${attachment.id}`;
      document.body.append(link);
      link.click();
      link.remove();
      // Give the browser time to start the download before the URL goes away.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      toast.show(`Download failed: ${errorMessage(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="attachment" data-attachment-id={attachment.id}>
      {isImage && (
        <div className="attachment-preview">
          {previewUrl ? <img src={previewUrl} alt={attachment.filename} /> : <Icon name="image" size={28} />}
        </div>
      )}
      <div className="attachment-info">
        <span className="attachment-name" title={attachment.filename}>
          {attachment.filename || '(unnamed)'}
        </span>
        <span className="attachment-size">{formatBytes(attachment.size)}</span>
      </div>
      <button type="button" onClick={download} disabled={busy} aria-label={`Download ${attachment.filename}`}>
        {busy ? '…' : 'Download'}
      </button>
    </li>
  );
}
