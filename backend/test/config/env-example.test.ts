// Settings are documented once, in .env.example, and it must say exactly what
// the config schema reads: a key added to config.ts without a line there (or
// a line left for a key that is gone) fails here. VITE_ keys are the web
// inbox's build settings, read by Vite, not by the server.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, SETTING_NAMES } from '../../src/config/config.js';

const example = fs.readFileSync(path.resolve(import.meta.dirname, '../../../.env.example'), 'utf8');
const documented = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
const serverKeys = documented.filter((k) => !k.startsWith('VITE_'));

describe('.env.example', () => {
  it('lists every setting of the config schema, once', () => {
    expect([...serverKeys].sort()).toEqual([...new Set(SETTING_NAMES)].sort());
    expect(new Set(serverKeys).size).toBe(serverKeys.length);
  });

  it('shows values the schema accepts, where it shows one', () => {
    const env: Record<string, string> = {};
    for (const m of example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=(.+)$/gm)) {
      if (!m[1]!.startsWith('VITE_')) env[m[1]!] = m[2]!.trim();
    }
    // Example relay and TLS lines name files and hosts of the reader's own; the rest must load as written.
    delete env.SMTP_TLS_CERT;
    delete env.SMTP_TLS_KEY;
    expect(() => loadConfig({ ...env, NODE_ENV: 'test' })).not.toThrow();
  });
});
