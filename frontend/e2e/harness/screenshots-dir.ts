// Where a run's screenshots go. Every e2e run takes them; only
// `npm run screenshots` (SCREENSHOTS=1) writes them over the tracked ones in
// docs/screenshots, so an ordinary run leaves the working tree clean.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './stack';

const writesDocs = process.env.SCREENSHOTS === '1';

export interface ScreenshotsDir {
  path: string;
  /** removes a run's own directory; the tracked one stays */
  cleanUp(): void;
}

export function screenshotsDir(): ScreenshotsDir {
  const dir = writesDocs ? path.join(repoRoot, 'docs/screenshots') : fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-shots-'));
  return { path: dir, cleanUp: () => !writesDocs && fs.rmSync(dir, { recursive: true, force: true }) };
}
