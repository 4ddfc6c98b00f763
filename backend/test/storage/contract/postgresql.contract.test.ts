// The storage contract on the PostgreSQL engine, on a database of its own.
import { openPostgresStore } from '../../../src/storage/postgres/pg-store.js';
import { createTestDatabase } from '../../support/pg-test-db.js';
import { describeImapStoreContract } from './imap-store-contract.js';
import { describeMailStoreContract, type EngineUnderTest } from './mail-store-contract.js';

async function openPostgres(): Promise<EngineUnderTest> {
  const db = await createTestDatabase();
  const store = await openPostgresStore({ url: db.url, poolSize: 3, statementTimeoutMs: 30_000 });
  return {
    store,
    async dispose() {
      await store.close();
      await db.drop();
    },
  };
}

describeMailStoreContract('postgresql', openPostgres);
describeImapStoreContract('postgresql', openPostgres);
