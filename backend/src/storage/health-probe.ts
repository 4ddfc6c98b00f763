// Does the database answer? A read of a real table, and a write lock taken
// and released (UPDATE ... WHERE 0 rolls back having changed nothing): a
// database whose write lock is held elsewhere cannot store mail, so it is
// not healthy even though reads still work (WAL readers are never blocked).
import type { Database } from './database.js';

export async function probeDatabase(db: Database): Promise<void> {
  await db.read.$queryRawUnsafe('SELECT id FROM users LIMIT 1');
  await db.write((tx) => tx.$executeRawUnsafe('UPDATE users SET id = id WHERE 0'));
}
