// `npm run dev`'s web inbox: Vite's dev server through its API rather than
// its CLI, so that a taken FRONTEND_PORT is one line naming the setting (like
// the server's own start failures) and not a stack, and so that a .env file
// reaches vite.config.ts (PORT, FRONTEND_PORT) as it reaches the server.
import 'dotenv/config';
import net from 'node:net';

const FAILED = 'ChitBox cannot start:';
const port = Number(process.env.FRONTEND_PORT || 3004);

/** Vite listens on every address (host: true); a probe there fails exactly when Vite would. */
function portTaken(p) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err) => resolve(err.code === 'EADDRINUSE'));
    probe.listen(p, () => probe.close(() => resolve(false)));
  });
}

if (await portTaken(port)) {
  console.error(
    `${FAILED} port ${port} (FRONTEND_PORT) is already in use. ChitBox may already be running: stop it, or set FRONTEND_PORT to another port.`,
  );
  process.exit(1);
}

const { createServer } = await import('vite');
let server;
try {
  server = await createServer({ configFile: 'frontend/vite.config.ts' });
  await server.listen();
} catch (err) {
  console.error(`${FAILED} ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
server.printUrls();
server.bindCLIShortcuts({ print: true });

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close().finally(() => process.exit(0));
  });
}
