// ESLint, run by `npm run lint` and inside `npm test`. Besides the usual
// TypeScript and React hooks rules it enforces shared/STYLE.md's rooms:
//
//   main (backend/src/*.ts) -> {smtp, imap, http, realtime, cli, relay} -> core
//     -> {mail, storage, auth, scanning} -> {config, shared, contracts}
//
// scanning/ (the spamd and clamd clients) needs config and shared only; the
// adapters see scanner types through the core. redis/ is an adapter too: the
// Redis side of the core's ports (presence, counters, mailbox changes) and
// Socket.IO's adapter, built by the composition root.
//
// Adapters never import each other or anything below the core; the frontend
// imports backend contracts with `import type` only; patches/ is installed
// by composition roots (and read by the room whose library it patches); and
// there are no import cycles. The backend's regular expressions may not
// backtrack super-linearly (eslint-plugin-regexp): they read mail, commands
// and requests that strangers write.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

const SRC = './backend/src';
const ADAPTERS = ['smtp', 'imap', 'http', 'realtime', 'cli', 'relay', 'redis'];
const BELOW_CORE = ['mail', 'storage', 'auth', 'scanning'];
const ROOTS = [`${SRC}/*.ts`];

// Globs throughout: the rule wants a zone's paths all globs or all plain.
const room = (name) => `${SRC}/${name}/**`;
const zone = (target, from, message, except) => ({ target, from, message, ...(except ? { except } : {}) });

const boundaries = [
  // Adapters: the core and the bottom rooms only; never each other.
  ...ADAPTERS.flatMap((a) => [
    zone(room(a), [...BELOW_CORE.map(room), ...ROOTS], `${a}/ calls the core; it does not reach mail/, storage/, auth/, scanning/ or the composition root.`),
    ...ADAPTERS.filter((b) => b !== a).map((b) => zone(room(a), room(b), `Adapters never import each other (${a}/ -> ${b}/): go through a core event or use case.`)),
  ]),
  zone(room('core'), [...ADAPTERS.map(room), ...ROOTS, room('patches')], 'core/ knows no adapter, no composition root and no patch.'),
  // The rooms under the core: not upwards, not sideways.
  ...BELOW_CORE.flatMap((r) => [
    zone(room(r), [room('core'), ...ADAPTERS.map(room), ...ROOTS], `${r}/ is below the core: it cannot import upwards.`),
    ...BELOW_CORE.filter((o) => o !== r).map((o) => zone(room(r), room(o), `${r}/ and ${o}/ are side by side: the core joins them.`)),
  ]),
  // The scanners' clients speak to daemons: configuration and shared/ are all they need.
  zone(room('scanning'), room('contracts'), 'scanning/ depends on config/ and shared/ only.'),
  // The bottom rooms import nothing above them.
  ...['config', 'shared', 'contracts'].map((r) =>
    zone(room(r), [room('core'), ...ADAPTERS.map(room), ...BELOW_CORE.map(room), room('patches'), ...ROOTS], `${r}/ is a bottom room: it imports nothing above it.`),
  ),
  // Patches change libraries for the whole process: installed by composition
  // roots (and worker-thread roots); smtp/ reads smtp-server's bookkeeping through one.
  ...['core', ...BELOW_CORE, ...ADAPTERS].map((r) =>
    zone(room(r), room('patches'), 'Patches are installed by a composition root (main.ts, app.ts, a *-thread.ts).'),
  ),
  zone(room('patches'), [room('core'), ...ADAPTERS.map(room), ...BELOW_CORE.map(room), ...ROOTS, room('config'), room('contracts')], 'patches/ depends on its libraries and shared/ only.'),
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'frontend/dist/**', '.bench/**', '.tools/**', 'data/**', 'prisma/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
      // tsc already reports undefined names, with the types in view.
      'no-undef': 'off',
      // Mail is full of control characters: matching them is the point of those expressions.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['backend/**/*.ts', 'scripts/**/*.ts', 'test-smtp.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // TypeScript sources imported as .js (NodeNext): parsed and resolved as TypeScript.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['backend/src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: boundaries }],
    },
  },
  {
    // A pattern whose time grows with the square of a run in its input stops
    // the event loop (or a parse thread) on one hostile line: npm run fuzz
    // found one in the fallback for refused mail, reading and an audit more.
    files: ['backend/src/**/*.ts'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
    },
  },
  {
    // The parse thread is its own composition root: it installs its patches.
    files: ['backend/src/**/*-thread.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: boundaries.filter((z) => z.from !== room('patches')) }],
    },
  },
  {
    files: ['backend/src/smtp/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...boundaries.filter((z) => !(z.target === room('smtp') && z.from === room('patches'))),
            zone(room('smtp'), `${SRC}/patches/!(smtp-server-connections).ts`, 'smtp/ may read smtp-server through patches/smtp-server-connections.ts only.'),
          ],
        },
      ],
    },
  },
  {
    files: ['backend/test/**/*.ts', 'scripts/**/*.ts', 'frontend/e2e/**/*.ts', 'frontend/src/**/*.test.ts', 'frontend/src/**/*.test.tsx'],
    rules: {
      // Test doubles and JSON bodies are loosely typed on purpose.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['frontend/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { window: 'readonly', document: 'readonly', localStorage: 'readonly', navigator: 'readonly' } },
    rules: {
      // The hooks rules proper. The React Compiler's rules (refs read during
      // render, setState in effects) flag the "latest value in a ref" pattern
      // this code uses on purpose; they come with adopting the compiler.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // The frontend sees the backend's contracts as types, never as code.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@contracts/*', '**/backend/src/contracts/*'], allowTypeImports: true, message: 'Backend contracts are imported with `import type` only.' },
            { group: ['**/backend/src/*', '!**/backend/src/contracts/*'], message: 'The frontend imports nothing of the backend but its contracts (type-only).' },
          ],
        },
      ],
    },
  },
);
