// Imported first by main.ts, before anything touches the libuv thread pool.
// Every stored blob costs two fsyncs (file and directory) in that pool; with
// the default of 4 threads, 20 concurrent deliveries queue behind each other
// instead of letting the file system commit their fsyncs together.
process.env.UV_THREADPOOL_SIZE ??= '16';
