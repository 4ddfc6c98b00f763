// The username migration on a database that already has accounts: the
// oldest account of each local part gets it as its username, later ones that
// share it stay without one, and usernames are unique from then on.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS_DIR } from '../../src/storage/sqlite/migrate.js';

const MIGRATION = '20261206120000_user_username';
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-username-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe(MIGRATION, () => {
  it('backfills usernames from local parts, once per local part, and makes them unique', () => {
    const before = path.join(dir, 'before');
    fs.mkdirSync(before);
    for (const name of fs.readdirSync(MIGRATIONS_DIR)) {
      if (name < MIGRATION && fs.statSync(path.join(MIGRATIONS_DIR, name)).isDirectory()) {
        fs.cpSync(path.join(MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
      }
    }
    const file = path.join(dir, 'chitbox.db');
    applyMigrations(file, before);
    const db = new Database(file);
    const insert = db.prepare("INSERT INTO users (email, password_hash, role, enabled, created_at) VALUES (?, 'x', 'user', 1, 0)");
    for (const email of ['alice@a.test', 'bob@b.test', 'alice@c.test', 'o.brien+tag@d.test']) insert.run(email);
    db.close();

    expect(applyMigrations(file).applied).toContain(MIGRATION);
    const after = new Database(file);
    try {
      expect(after.prepare('SELECT email, username FROM users ORDER BY id').all()).toEqual([
        { email: 'alice@a.test', username: 'alice' },
        { email: 'bob@b.test', username: 'bob' },
        { email: 'alice@c.test', username: null },
        { email: 'o.brien+tag@d.test', username: 'o.brien+tag' },
      ]);
      expect(() => after.prepare("UPDATE users SET username = 'bob' WHERE email = 'alice@c.test'").run()).toThrow(/UNIQUE/);
      after.prepare("UPDATE users SET username = 'alice2' WHERE email = 'alice@c.test'").run();
    } finally {
      after.close();
    }
  });
});
