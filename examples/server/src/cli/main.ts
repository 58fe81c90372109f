/**
 * The `outpace` command (examples/server/bin/outpace.js runs this file with
 * the workspace's source condition; `npm run outpace -- --help` does too).
 */
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
process.exitCode = code;
// Handles some library may leave open (timers, pools) must not keep a finished command alive.
setTimeout(() => process.exit(code), 2000).unref();
