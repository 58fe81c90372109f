/**
 * Every benchmark in one go (`npm run bench [-- --only=pacing,import] [-- --skip=telephony] [-- --list]`).
 *
 * Runs each `bench:*` script of the root package.json one after the other (the machine
 * is shared: never two at once), in a fixed order for the known ones and any newer ones
 * after them. A benchmark whose prerequisites are missing (PostgreSQL for the
 * PostgreSQL store, the Asterisk tier for telephony) says why and is skipped, or runs
 * on what is there; one that fails does not stop the others. A summary closes the run;
 * the exit code is 1 when a benchmark that ran failed. `--list` prints the plan (what would run, with
 * which arguments, and what would be skipped and why) and runs nothing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { asteriskUnavailable } from '../../packages/adapters/test/telephony/harness/asterisk.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ORDER = ['import', 'import-stores', 'compliance', 'location', 'pacing', 'telephony'];

const args = process.argv.slice(2);
const listArg = (name: string) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',')
    .filter(Boolean);
const only = listArg('only');
const skip = listArg('skip') ?? [];
const listOnly = args.includes('--list');

/** Whether a TCP port answers within a second. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

interface Plan {
  /** Extra arguments for the script. */
  args: string[];
  /** Set when the benchmark cannot run here. */
  skip?: string;
  /** What is left out, when it runs on part of its stores. */
  note?: string;
}

/** Checks a benchmark's prerequisites and picks its arguments. */
async function planFor(name: string): Promise<Plan> {
  if (name === 'import-stores') {
    const url = new URL(process.env.OUTPACE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    const host = url.hostname || '127.0.0.1';
    const port = Number(url.port || 5432);
    const pgArgs = process.env.OUTPACE_TEST_PG_URL ? [`--pg-url=${process.env.OUTPACE_TEST_PG_URL}`] : [];
    if (await reachable(host, port)) return { args: ['--store=sqlite,postgres', ...pgArgs] };
    return {
      args: ['--store=sqlite'],
      note: `PostgreSQL store left out: nothing answers at ${host}:${port} (start PostgreSQL or set OUTPACE_TEST_PG_URL)`,
    };
  }
  if (name === 'telephony') {
    const reason = asteriskUnavailable();
    if (reason) return { args: [], skip: `needs the Asterisk tier: ${reason}` };
  }
  return { args: [] };
}

const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
  .scripts;
const available = Object.keys(scripts)
  .filter((key) => key.startsWith('bench:'))
  .map((key) => key.slice('bench:'.length));
const names = [...ORDER.filter((n) => available.includes(n)), ...available.filter((n) => !ORDER.includes(n)).sort()];
for (const n of only ?? []) {
  if (!available.includes(n)) {
    console.error(`Unknown benchmark "${n}" in --only; the root package.json has: ${available.join(', ')}.`);
    process.exit(2);
  }
}

const summary: { name: string; status: string; seconds: number }[] = [];
for (const name of names) {
  if ((only && !only.includes(name)) || skip.includes(name)) continue;
  const plan = await planFor(name);
  if (plan.skip) {
    console.log(`${listOnly ? '' : '\n=== '}bench:${name}: SKIPPED (${plan.skip})`);
    summary.push({ name, status: `skipped: ${plan.skip}`, seconds: 0 });
    continue;
  }
  if (listOnly) {
    console.log(
      `bench:${name}${plan.args.length ? ` ${plan.args.join(' ')}` : ''}${plan.note ? ` (${plan.note})` : ''}`,
    );
    continue;
  }
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  console.log(`\n=== bench:${name}${plan.args.length ? ` ${plan.args.join(' ')}` : ''} (load average ${load})`);
  if (plan.note) console.log(`    ${plan.note}`);
  const started = Date.now();
  const npmArgs = ['run', `bench:${name}`, ...(plan.args.length ? ['--', ...plan.args] : [])];
  const run = spawnSync('npm', npmArgs, { cwd: ROOT, stdio: 'inherit' });
  const seconds = (Date.now() - started) / 1000;
  const status =
    run.status === 0
      ? plan.note
        ? `ok (${plan.note})`
        : 'ok'
      : `FAILED (${run.error?.message ?? `exit ${run.status ?? run.signal}`})`;
  summary.push({ name, status, seconds });
}

if (listOnly) process.exit(0);
console.log('\n=== Summary');
for (const s of summary) console.log(`  ${s.name.padEnd(15)} ${s.seconds.toFixed(0).padStart(6)} s  ${s.status}`);
process.exit(summary.some((s) => s.status.startsWith('FAILED')) ? 1 : 0);
