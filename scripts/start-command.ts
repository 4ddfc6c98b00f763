// How `npm start` runs the compiled server. The bench and the corpus check run
// the server the same way; the flags are read from package.json so the three
// cannot drift apart (docs/performance.md explains what each flag is for).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SERVER_ENTRY = 'dist/backend/main.js';

/** The node flags of package.json's start script, e.g. ['--max-semi-space-size=4', '--v8-pool-size=1']. */
export function startNodeFlags(repoRoot: string): string[] {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const match = new RegExp(`\\bnode((?: --\\S+)*) ${SERVER_ENTRY.replace(/\./g, '\\.')}`).exec(pkg.scripts.start);
  if (!match) throw new Error(`package.json's start script does not run "node … ${SERVER_ENTRY}": ${pkg.scripts.start}`);
  return match[1]!.trim().split(/\s+/).filter(Boolean);
}
