// WAL checkpoints (copying committed pages from the WAL into the database
// file) run on the ingest worker thread only. SQLite runs one on whichever
// connection commits past its wal_autocheckpoint; on the main thread's
// connections (synchronous, on the event loop) that would make an API write
// wait while megabytes of pages are copied. So those connections never
// checkpoint, and the ingest thread does it for everyone: after a commit that
// leaves the WAL past CHECKPOINT_PAGES, and on a timer for pages only the
// main thread wrote.

/** The WAL's size, in pages, that makes the ingest thread's commit checkpoint it (SQLite's default: 1,000). */
export const CHECKPOINT_PAGES = 4000;

/** How often the ingest thread checkpoints anyway (PASSIVE: it never waits for readers or writers). */
export const CHECKPOINT_EVERY_MS = 5000;

/** For each connection on the main thread. */
export const NO_CHECKPOINTS = 'wal_autocheckpoint = 0';
