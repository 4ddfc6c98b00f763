// Builds the core's dependencies once; adapters receive this and nothing else.
import path from 'node:path';
import type { Config } from '../config/config.js';
import { loadOrCreateJwtSecret } from '../auth/jwt-secret.js';
import { PasswordHasher } from '../auth/passwords.js';
import { TokenService } from '../auth/tokens.js';
import type { Logger } from '../shared/logger.js';
import { BlobStore } from '../storage/blob-store.js';
import { openDatabase, type Database } from '../storage/database.js';
import { FolderRepo } from '../storage/folder-repo.js';
import { IngestWorker } from '../storage/ingest-worker.js';
import { MessageRepo } from '../storage/message-repo.js';
import { OutboundRepo } from '../storage/outbound-repo.js';
import { UserRepo } from '../storage/user-repo.js';
import { ParsePool, type MessageParser } from '../mail/parse-pool/parse-pool.js';
import { EventBus } from './event-bus.js';
import { PipelineWatch } from './pipeline-watch.js';
import { MailIntake } from './mail-intake.js';
import { RecipientResolver } from './recipients.js';

export interface Services {
  config: Config;
  log: Logger;
  db: Database;
  blobs: BlobStore;
  users: UserRepo;
  folders: FolderRepo;
  messages: MessageRepo;
  outbound: OutboundRepo;
  events: EventBus;
  hasher: PasswordHasher;
  tokens: TokenService;
  recipients: RecipientResolver;
  intake: MailIntake;
  parser: MessageParser;
  pipeline: PipelineWatch;
}

export async function buildServices(config: Config, log: Logger): Promise<Services> {
  const { filePath, busyTimeoutMs } = config.database;
  const blobRoot = path.join(config.dataDir, 'blobs');
  // One worker thread writes blob files and commits new messages (ingest-worker-thread.ts).
  const ingest = new IngestWorker({ filePath, busyTimeoutMs, blobRoot });
  const db = await openDatabase({ filePath, busyTimeoutMs }, ingest);
  const blobs = new BlobStore(blobRoot, ingest, db.sqliteReader, config.blobs.inlineMaxBytes);
  await blobs.init();
  const users = new UserRepo(db);
  const folders = new FolderRepo(db);
  const messages = new MessageRepo(db);
  const events = new EventBus();
  const hasher = new PasswordHasher(config.auth.bcryptCost);
  const tokens = new TokenService({
    secret: loadOrCreateJwtSecret(config.dataDir, config.auth.jwtSecret),
    expiresIn: config.auth.jwtExpiresIn,
    issuer: config.auth.jwtIssuer,
    audience: config.auth.jwtAudience,
  });
  const recipients = new RecipientResolver(users, config.mailDomains, config.quota.defaultMb);
  const outbound = new OutboundRepo(db);
  const parser = new ParsePool(config.parsing);
  const pipeline = new PipelineWatch();
  const intake = new MailIntake(
    { db, blobs, messages, events, log, users, hasher, config, folders, outbound, recipients, parser, pipeline },
    config.smtp.hostname, log,
  );
  return { config, log, db, blobs, users, folders, messages, outbound, events, hasher, tokens, recipients, intake, parser, pipeline };
}
