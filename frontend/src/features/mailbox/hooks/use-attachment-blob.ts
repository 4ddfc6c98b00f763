// Attachments need the bearer header, so images are fetched as blobs and
// shown through object URLs (revoked when no longer shown).
import type { AttachmentDto } from '@contracts/api';
import { useEffect, useState } from 'react';
import { fetchAttachment } from '../api/mailbox-api';

export function useAttachmentObjectUrl(attachmentId: number | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (attachmentId === null) return;
    let objectUrl: string | null = null;
    let cancelled = false;
    fetchAttachment(attachmentId).then(
      (blob) => {
        if (cancelled) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      () => undefined, // the preview is optional; the download button still reports errors
    );
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      setUrl(null);
    };
  }, [attachmentId]);
  return url;
}

/** Fetches the given attachments as data: URLs (for the sandboxed mail iframe). */
export function useAttachmentDataUrls(attachments: readonly AttachmentDto[]): { urls: ReadonlyMap<number, string>; done: boolean } {
  const key = JSON.stringify(attachments.map((a) => [a.id, a.contentType]));
  const [result, setResult] = useState<{ key: string; urls: ReadonlyMap<number, string> }>({ key: '[]', urls: new Map() });
  useEffect(() => {
    const wanted = JSON.parse(key) as [number, string][];
    let cancelled = false;
    Promise.all(
      wanted.map(([id, contentType]) => {
        return fetchAttachment(id)
          // Label the bytes with the type the message declared: a data: URL without an image type is not shown.
          .then((blob) => blobToDataUrl(new Blob([blob], { type: contentType || blob.type })))
          .then((url) => [id, url] as const, () => null);
      }),
    ).then((pairs) => {
      if (cancelled) return;
      const urls = new Map<number, string>();
      for (const pair of pairs) if (pair) urls.set(pair[0], pair[1]);
      setResult({ key, urls });
    });
    return () => {
      cancelled = true;
    };
  }, [key]);
  return { urls: result.urls, done: result.key === key };
}

function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
