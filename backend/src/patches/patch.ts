// A patch changes a library's behaviour from outside, so it is only as good
// as the library version it was written against. Each one names that exact
// version and refuses to install on another: a dependency update must bring
// the patch along, checked, instead of silently breaking (or silently
// no longer needed).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface Patch {
  /** what the patch does, in a few words */
  readonly name: string;
  readonly library: string;
  /** the exact version the patch was written and tested against */
  readonly version: string;
  /** applies the patch (idempotent); returns what undoes it, for the patch's own test */
  install(): () => void;
}

export class PatchVersionError extends Error {}

const require = createRequire(import.meta.url);

/** The installed version of a package, read from its package.json (found from its entry point: exports may hide it). */
export function installedVersion(library: string): string {
  let dir = path.dirname(require.resolve(library));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === library && pkg.version) return pkg.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new PatchVersionError(`cannot find the package.json of ${library}`);
    dir = parent;
  }
}

/** Throws PatchVersionError naming the patch when the installed library is another version. */
export function checkVersion(patch: Pick<Patch, 'name' | 'library' | 'version'>): void {
  const installed = installedVersion(patch.library);
  if (installed !== patch.version) {
    throw new PatchVersionError(
      `${patch.library} ${installed} is installed, but the patch "${patch.name}" (backend/src/patches/) was written for ${patch.version}. ` +
        `Pin ${patch.library} to ${patch.version} in package.json, or check the patch against ${installed} and update its version.`,
    );
  }
}

/** A method replaced on a prototype, with what puts the original back. */
export function wrapMethod<T extends object, K extends keyof T>(
  target: T, key: K, wrap: (original: T[K]) => T[K],
): () => void {
  const marker = Symbol.for(`chitbox.patch.${String(key)}`);
  const holder = target as T & { [marker]?: T[K] };
  // Installed already (a second server in one process): the same undo.
  if (!(marker in holder)) {
    holder[marker] = target[key];
    target[key] = wrap(target[key]);
  }
  return () => {
    if (!(marker in holder)) return;
    target[key] = holder[marker]!;
    delete holder[marker];
  };
}

/** A method added to a prototype that has none of that name, with what removes it again. */
export function addMethod<T extends object>(target: T, key: string, method: (...args: never[]) => unknown): () => void {
  const holder = target as Record<string | symbol, unknown>;
  const marker = Symbol.for(`chitbox.patch.added.${key}`);
  // Installed already (a second server in one process): the same undo.
  if (!(marker in holder)) {
    // The library has grown a method of its own: the patch must be looked at again, not laid over it.
    if (key in holder) throw new PatchVersionError(`${key} exists already: the library implements it now, see backend/src/patches/`);
    holder[marker] = true;
    holder[key] = method;
  }
  return () => {
    if (!(marker in holder)) return;
    delete holder[key];
    delete holder[marker];
  };
}
