// `npm run dev`'s API process: `tsx watch` restarts the server on every change
// and, when the server dies, waits for the next one. That is right once the
// server has run; but when its very first start fails (a taken port, a bad
// DATABASE_URL) no edit will fix it, and Vite would go on serving an inbox
// with no server behind it. So: pass everything through, and if the server
// says "ChitBox cannot start:" (backend/src/start-failure.ts) before it was
// ever ready, stop tsx and exit 1; concurrently (--kill-others) then stops
// Vite, and the server's own message is what the terminal ends with.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const READY = 'chitbox ready';
const FAILED = 'ChitBox cannot start:';

const tsxCli = fileURLToPath(import.meta.resolve('tsx/cli'));
const child = spawn(process.execPath, [tsxCli, 'watch', '--clear-screen=false', 'backend/src/main.ts'], {
  stdio: ['inherit', 'pipe', 'pipe'],
});

let started = false;
let givingUp = false;
let seen = '';

function watch(from, to) {
  from.on('data', (chunk) => {
    to.write(chunk);
    if (started || givingUp) return;
    seen = (seen + chunk.toString()).slice(-8192);
    if (seen.includes(READY)) started = true;
    else if (seen.includes(FAILED)) giveUp();
  });
}
watch(child.stdout, process.stdout);
watch(child.stderr, process.stderr);

function giveUp() {
  givingUp = true;
  // Let the rest of the message through before stopping the watcher.
  setImmediate(() => child.kill('SIGTERM'));
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (givingUp) process.exit(1);
  process.exit(code ?? (signal ? 1 : 0));
});
