// File extensions for parts that arrive without a filename.
const EXTENSIONS: Record<string, string> = {
  'message/rfc822': '.eml',
  'text/plain': '.txt',
  'text/html': '.html',
  'text/calendar': '.ics',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'application/pdf': '.pdf',
  'message/delivery-status': '.txt',
};

export function extensionFor(contentType: string): string {
  return EXTENSIONS[contentType] ?? '.bin';
}
