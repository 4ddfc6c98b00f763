// STARTTLS material for the SMTP and IMAP listeners (SMTP_TLS_CERT / SMTP_TLS_KEY).
// Certificates are renewed in place (certbot, `npm run cert:dev`): the files
// are watched and the listener's secure context is rebuilt without a restart.
// A half-written pair (new cert, old key) fails to load and is simply tried
// again on the next change; until then the previous pair stays in use.
import fs from 'node:fs';
import tls from 'node:tls';

export interface TlsPaths {
  certPath: string;
  keyPath: string;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

/** Reads and checks the pair (throws with the file named when it cannot be used). */
export function loadTlsMaterial(paths: TlsPaths): TlsMaterial {
  const cert = readPem(paths.certPath, 'SMTP_TLS_CERT');
  const key = readPem(paths.keyPath, 'SMTP_TLS_KEY');
  tls.createSecureContext({ cert, key }); // throws on a mismatched or broken pair
  return { cert, key };
}

/** Calls onReload with the new pair whenever either file changes; returns the unwatch function. */
export function watchTlsMaterial(
  paths: TlsPaths,
  onReload: (m: TlsMaterial) => void,
  onError: (err: Error) => void,
  intervalMs = 2_000,
): () => void {
  let timer: NodeJS.Timeout | null = null;
  const changed = (curr: fs.Stats, prev: fs.Stats) => {
    if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size) return;
    // Let a renewal that writes both files finish before reading them.
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      try {
        onReload(loadTlsMaterial(paths));
      } catch (err) {
        onError(err as Error);
      }
    }, 200);
    timer.unref();
  };
  const options = { interval: intervalMs, persistent: false };
  fs.watchFile(paths.certPath, options, changed);
  fs.watchFile(paths.keyPath, options, changed);
  return () => {
    if (timer) clearTimeout(timer);
    fs.unwatchFile(paths.certPath, changed);
    fs.unwatchFile(paths.keyPath, changed);
  };
}

/**
 * A listener's certificate kept current: `apply` gets each renewed pair,
 * and the log says so (or why a change was not applied). No paths, nothing to watch.
 */
export function followTlsMaterial(
  paths: TlsPaths | null,
  apply: (m: TlsMaterial) => void,
  log: { info(msg: string): void; warn(obj: object, msg: string): void },
): () => void {
  if (!paths) return () => undefined;
  return watchTlsMaterial(
    paths,
    (m) => {
      apply(m);
      log.info('TLS certificate reloaded');
    },
    (err) => log.warn({ err: err.message }, 'TLS certificate change not applied'),
  );
}

function readPem(file: string, key: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`${key}: cannot read ${file}: ${(err as Error).message}`);
  }
}
