// The operator's shell, `npm run cli -- user <command> ...`: reads the
// configuration, builds the core without the server's workers (cli-open.ts),
// and hands it to the command (cli/cli.ts).
import 'dotenv/config';
import { runCli } from './cli/cli.js';
import { cliOpener } from './cli-open.js';

runCli(process.argv.slice(2), cliOpener(process.env)).then((code) => process.exit(code));
