// Builds the ContentScanner the configuration asks for; null when both
// scanners are off (then nothing is scanned and nothing is claimed).
import type { Config } from '../config/config.js';
import { DaemonScanner } from './daemon-scanner.js';
import type { ContentScanner } from './scan-verdict.js';

export function scannerFromConfig(scanners: Config['scanners']): ContentScanner | null {
  const { spamassassin, clamav, timeoutMs, connectTimeoutMs } = scanners;
  if (!spamassassin && !clamav) return null;
  return new DaemonScanner({
    spamd: spamassassin ? { host: spamassassin.host, port: spamassassin.port, maxBytes: spamassassin.maxBytes, timeoutMs, connectTimeoutMs } : null,
    clamd: clamav ? { host: clamav.host, port: clamav.port, maxBytes: clamav.maxBytes, timeoutMs, connectTimeoutMs } : null,
  });
}
