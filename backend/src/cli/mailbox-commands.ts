// `npm run cli -- mailbox export|import <user> --format mbox|maildir
// (--out|--in) <path> [--folder <name>]`: mail in and out as mbox (mboxrd)
// or maildir, through the same core as the server (an import is delivered
// like arriving mail, never sent on). A progress bar on a terminal's stderr;
// the summary on stdout (--json for a machine).
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Core } from '../core/core.js';
import type { ImportReport } from '../core/mailbox-transfer.js';
import { stringOption, UsageError, type ParsedArgs } from './cli-args.js';
import { progressBar, type ProgressTarget } from './progress-bar.js';
import type { Output } from './user-commands.js';

export const MAILBOX_USAGE = [
  'Usage: npm run cli -- mailbox <command> <user> [options] [--json]',
  '',
  'Commands:',
  '  export <user> --format mbox|maildir --out <path> [--folder <name>]',
  '      every folder when --folder is not given; a maildir is created at <path>',
  '  import <user> --format mbox|maildir --in <path> [--folder <name>]',
  '      into the Inbox when --folder is not given; nothing is sent',
  '',
  '<user> is an email address or a username; a folder is named by its name or kind (inbox, sent, ...).',
].join('\n');

const OPTIONS: Record<string, readonly string[]> = { export: ['format', 'out', 'folder'], import: ['format', 'in', 'folder'] };

/** Throws a UsageError unless `mailbox <command>` has exactly what it takes. */
export function checkMailboxCommand(args: ParsedArgs): { command: 'export' | 'import'; user: string; format: 'mbox' | 'maildir'; path: string; folder: string | null } {
  const [command, user, ...extra] = args.positionals;
  if (command !== 'export' && command !== 'import') throw new UsageError(command ? `unknown command "mailbox ${command}"` : 'missing command');
  if (!user) throw new UsageError(`mailbox ${command} needs a user`);
  if (extra.length > 0) throw new UsageError(`mailbox ${command} takes one user, got also: ${extra.join(' ')}`);
  for (const option of args.options.keys()) {
    if (!['json', 'help', ...OPTIONS[command]!].includes(option)) throw new UsageError(`mailbox ${command} does not take --${option}`);
  }
  const format = stringOption(args, 'format');
  if (format !== 'mbox' && format !== 'maildir') throw new UsageError('--format must be mbox or maildir');
  const pathOption = command === 'export' ? 'out' : 'in';
  const path = stringOption(args, pathOption);
  if (!path) throw new UsageError(`mailbox ${command} needs --${pathOption} <path>`);
  return { command, user, format, path, folder: stringOption(args, 'folder') ?? null };
}

type MailboxCore = Pick<Core, 'admin' | 'transfer'>;

/** progress: where the bar is drawn (standard error, when a terminal). */
export async function runMailboxCommand(core: MailboxCore, args: ParsedArgs, out: Output, progress: ProgressTarget): Promise<number> {
  const cmd = checkMailboxCommand(args);
  const account = await core.admin.findAccount(cmd.user);
  const folder = cmd.folder === null ? null : await core.transfer.folderNamed(account.id, cmd.folder);
  if (cmd.command === 'export') {
    const n = await exportTo(core, account.id, folder?.id ?? null, cmd.format, cmd.path, progress);
    if (out.json) out.print(JSON.stringify({ exported: n, format: cmd.format, path: cmd.path }));
    else out.print(`Exported ${n} message${n === 1 ? '' : 's'} to ${cmd.path} (${cmd.format})`);
    return 0;
  }
  const report = await importFrom(core, account.email, folder?.id ?? null, cmd.format, cmd.path, progress);
  if (out.json) out.print(JSON.stringify(report, null, 2));
  else out.print(describeImport(report));
  return report.failed > 0 || report.problems.some((p) => p.severity === 'skipped') ? 1 : 0;
}

async function exportTo(core: MailboxCore, userId: number, folderId: number | null, format: 'mbox' | 'maildir', path: string, progress: ProgressTarget): Promise<number> {
  const { total, messages } = await core.transfer.openExport(userId, folderId);
  const bar = progressBar(progress, 'Exporting');
  let done = 0;
  const tick = () => bar.update(++done, total);
  try {
    if (format === 'maildir') return await core.transfer.writeMaildirExport(path, messages, tick);
    // wx: an existing file is never overwritten.
    await pipeline(Readable.from(core.transfer.mboxStream(messages, tick)), fs.createWriteStream(path, { flags: 'wx' }));
    return done;
  } finally {
    bar.finish();
  }
}

async function importFrom(core: MailboxCore, email: string, folderId: number | null, format: 'mbox' | 'maildir', path: string, progress: ProgressTarget): Promise<ImportReport> {
  const stat = fs.statSync(path, { throwIfNoEntry: false });
  if (format === 'maildir') {
    if (!stat?.isDirectory()) throw new UsageError(`${path} is not a directory`);
    const bar = progressBar(progress, 'Importing');
    try {
      return await core.transfer.importMailbox(email, folderId, core.transfer.maildirEntries(path), (n) => bar.update(n, null));
    } finally {
      bar.finish();
    }
  }
  if (!stat?.isFile()) throw new UsageError(`${path} is not a file`);
  // By bytes read: how many messages an mbox holds is known only at its end.
  const bar = progressBar(progress, 'Importing', { unit: 'bytes' });
  try {
    return await core.transfer.importMailbox(email, folderId, core.transfer.mboxEntries(readWithProgress(path, stat.size, bar.update)));
  } finally {
    bar.finish();
  }
}

async function* readWithProgress(path: string, size: number, update: (done: number, total: number) => void): AsyncGenerator<Buffer> {
  let read = 0;
  for await (const chunk of fs.createReadStream(path)) {
    read += (chunk as Buffer).length;
    yield chunk as Buffer;
    update(read, size);
  }
}

function describeImport(r: ImportReport): string {
  const lines = [`Imported ${r.imported} message${r.imported === 1 ? '' : 's'}${r.failed ? `, ${r.failed} failed` : ''}`];
  for (const p of r.problems) {
    const where = p.file ?? (p.line !== undefined ? `line ${p.line}${p.endLine !== undefined && p.endLine !== p.line ? `-${p.endLine}` : ''}` : '');
    lines.push(`  ${p.severity}: ${where ? `${where}: ` : ''}${p.message}`);
  }
  if (r.moreProblems > 0) lines.push(`  ... and ${r.moreProblems} more`);
  return lines.join('\n');
}
