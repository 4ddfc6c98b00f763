// An attachment as an object URL (the API needs the bearer header, so no
// plain <img src>), revoked when no longer shown.
import { useEffect, useState } from 'react';
import { fetchAttachmentBlob } from '../api/chat-api';

export function useAttachmentUrl(attachmentId: number | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (attachmentId === null) return;
    let objectUrl: string | null = null;
    let cancelled = false;
    fetchAttachmentBlob(attachmentId).then(
      (blob) => {
        if (cancelled) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      () => undefined, // the file chip still offers the download
    );
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      setUrl(null);
    };
  }, [attachmentId]);
  return url;
}
