// A tiny argv parser: positionals, --flag, --key value and --key=value.
export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string | true>;
}

export class UsageError extends Error {}

/** Options that take a value; every other --name is a boolean flag. */
const VALUED = new Set(['password', 'name', 'quota', 'offset', 'limit', 'format', 'out', 'in', 'folder']);

export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq > 0 ? eq : undefined);
    if (eq > 0) options.set(key, arg.slice(eq + 1));
    else if (VALUED.has(key)) {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`--${key} needs a value`);
      options.set(key, value);
    } else options.set(key, true);
  }
  return { positionals, options };
}

export function stringOption(args: ParsedArgs, key: string): string | undefined {
  const v = args.options.get(key);
  if (v === true) throw new UsageError(`--${key} needs a value`);
  return v;
}

export function intOption(args: ParsedArgs, key: string): number | undefined {
  const v = stringOption(args, key);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${key} must be a whole number, got "${v}"`);
  return Number(v);
}
