// How the sidebar shows folders: custom folders are paths ("Projects/2026",
// also made by IMAP clients), shown under their parent with the last part as
// their label. Pure, so it has its own tests.
import type { FolderDto } from '@contracts/api';

export interface FolderRow {
  folder: FolderDto;
  label: string;
  /** 0 for top-level folders */
  depth: number;
}

/** Rows in the given order (system folders first), each custom folder's nested ones right after it. */
export function folderRows(folders: readonly FolderDto[]): FolderRow[] {
  const system = folders.filter((f) => f.kind !== 'custom');
  const custom = folders.filter((f) => f.kind === 'custom').sort((a, b) => comparePaths(a.name, b.name));
  return [...system, ...custom].map((folder) => {
    const parts = folder.kind === 'custom' ? folder.name.split('/') : [folder.name];
    return { folder, label: parts[parts.length - 1] ?? folder.name, depth: parts.length - 1 };
  });
}

/** Part by part, so "A/b" comes right after "A" and before "A b". */
function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = pa[i]!.localeCompare(pb[i]!);
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}
