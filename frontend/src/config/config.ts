// The only reader of import.meta.env in the inbox. Validated once at start so
// a bad build-time setting shows a clear message instead of odd failures later.

export interface FrontendConfig {
  /** '' means same origin (Vite proxy in dev, inbox-server in production). */
  apiOrigin: string;
  /** Threads fetched per page of the infinite list. */
  pageSize: number;
}

export class FrontendConfigError extends Error {}

export function parseConfig(env: Record<string, string | boolean | undefined>): FrontendConfig {
  const problems: string[] = [];
  const rawOrigin = typeof env.VITE_API_ORIGIN === 'string' ? env.VITE_API_ORIGIN.trim() : '';
  let apiOrigin = '';
  if (rawOrigin) {
    try {
      const url = new URL(rawOrigin);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
      apiOrigin = url.origin;
    } catch {
      problems.push(`VITE_API_ORIGIN: expected an http(s) origin, got "${rawOrigin}"`);
    }
  }
  const rawPageSize = typeof env.VITE_PAGE_SIZE === 'string' ? env.VITE_PAGE_SIZE : '40';
  const pageSize = Number(rawPageSize);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) {
    problems.push(`VITE_PAGE_SIZE: expected an integer 1..200, got "${rawPageSize}"`);
  }
  if (problems.length) throw new FrontendConfigError(`Invalid inbox configuration:\n${problems.join('\n')}`);
  return Object.freeze({ apiOrigin, pageSize });
}

function loadAtStart(): { config: FrontendConfig; problem: string | null } {
  try {
    return { config: parseConfig(import.meta.env), problem: null };
  } catch (e) {
    // main.tsx shows the problem instead of the app; defaults keep imports working.
    return { config: parseConfig({}), problem: e instanceof Error ? e.message : String(e) };
  }
}

const loaded = loadAtStart();
export const config: FrontendConfig = loaded.config;
export const configProblem: string | null = loaded.problem;
