#!/usr/bin/env node
// The `outpace` command: runs the CLI from its TypeScript sources (no build
// step) with the workspace's source condition and tsx, as `npm start` does,
// and the same larger young generation (imports allocate many short-lived
// objects: see docs/server.md, "Node settings").
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const child = spawn(
  process.execPath,
  [
    '--max-semi-space-size=64',
    '--conditions=@outpace/source',
    '--import',
    import.meta.resolve('tsx'),
    main,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal !== null) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
