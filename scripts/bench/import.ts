/**
 * List-import benchmark (`npm run bench:import [-- --rows=1000000 --store=memory]`).
 *
 * 1. Generates a CSV of `--rows` contacts (ClientID, names, company, three
 *    devices in mixed formats with about 2% invalid, five Other fields, zip)
 *    into a temporary folder.
 * 2. Baseline, same run: csv-parse parsing the file alone (array mode).
 * 3. The full pipeline (`importContacts`, CREATE) into the store named by
 *    `--store` (memory by default), in a child process so the generator and
 *    the baseline do not pollute its peak RSS; and, for comparison, the same
 *    pipeline into a store that discards what it is given (`discard`), which
 *    separates the pipeline's own memory from the store's.
 * 4. The NANP phone fast path alone, against libphonenumber-js on the same
 *    numbers.
 *
 * Prints the figures and writes docs/benchmarks/import.{json,md}. The machine
 * is shared and has 2 cores: figures are noisy; run it more than once when a
 * goal is close.
 */
import { fork } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ContactImportOptions,
  type ContactImportSession,
  type ContactList,
  createPhoneNormalizer,
  importContacts,
  type NewContact,
  type NewContactListInput,
} from '@outpace/core';
import { parse } from 'csv-parse';
import { device, generate } from './contacts-csv.js';

// ---------------------------------------------------------------------------------------------
// Arguments

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  if (eq) return eq.slice(name.length + 3);
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const ROWS = Number(arg('rows') ?? 1_000_000);
/** Runs of the baseline and of the pipeline into the chosen store; the best of each is compared. */
const RUNS = Math.max(1, Number(arg('runs') ?? 2));
/** Stores the pipeline can load into here; `sqlite` and `postgres` are measured by import-stores.ts. */
const STORES = ['memory', 'discard'] as const;
type StoreName = (typeof STORES)[number];
const STORE = (arg('store') ?? 'memory') as StoreName;
/**
 * `--store sqlite`, `--store postgres` (or both, comma-separated): the SQL stores' benchmark
 * (scripts/bench/import-stores.ts, the same as `npm run bench:import-stores`) with the same arguments.
 */
const SQL_STORES = ['sqlite', 'postgres'];
const DELEGATED =
  args[0] !== '--child' &&
  arg('store') !== undefined &&
  String(arg('store'))
    .split(',')
    .every((s) => SQL_STORES.includes(s));
if (DELEGATED) await import('./import-stores.js');
if (!DELEGATED && !STORES.includes(STORE)) {
  console.error(`Unknown --store "${STORE}"; use one of ${[...STORES, ...SQL_STORES].join(', ')}.`);
  process.exit(2);
}
const HERE = fileURLToPath(import.meta.url);
const ROOT = join(HERE, '..', '..', '..');

/** `stores` of the current docs/benchmarks/import.json (other benchmarks add the SQL stores there). */
function previousStores(): Record<string, unknown> {
  const path = join(ROOT, 'docs/benchmarks/import.json');
  if (!existsSync(path)) return {};
  try {
    return ((JSON.parse(readFileSync(path, 'utf8')) as { stores?: Record<string, unknown> }).stores ?? {}) as Record<
      string,
      unknown
    >;
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------------------------------------
// Child process: run the pipeline once and report time and peak RSS

interface PipelineFigures {
  store: string;
  /** RSS of the child once its modules are loaded, before the import. */
  baselineRssMb: number;
  /** Heap plus off-heap buffers still used after the import and a full GC: what the store keeps (the pipeline keeps nothing). */
  retainedMb: number;
  rows: number;
  seconds: number;
  cpuSeconds: number;
  rowsPerSec: number;
  peakRssMb: number;
  accepted: number;
  rejected: number;
  warnings: number;
}

async function openStore(name: StoreName) {
  if (name === 'memory') {
    const { createMemoryStore } = await import('@outpace/adapters/memory');
    const store = createMemoryStore();
    const tenant = await store.tenants.create({ name: 'bench' });
    return { stores: store.forTenant(tenant.id), close: () => store.close() };
  }
  // A store that takes every staged contact and keeps nothing: the pipeline's own cost.
  let n = 0;
  const session = (mode: ContactImportOptions['mode']): ContactImportSession => ({
    mode,
    async createList(input: NewContactListInput): Promise<ContactList> {
      return {
        id: `lst_${++n}`,
        name: input.name,
        description: '',
        useCustomTimeZones: true,
        size: 0,
        createdAt: 0,
        updatedAt: 0,
      };
    },
    async write(_listId: string, _contacts: readonly NewContact[]) {
      return [];
    },
    async commit() {
      return { inserted: 0, updated: 0, deleted: 0, lists: [] };
    },
    async abort() {},
  });
  return {
    stores: {
      contacts: { beginImport: async (o: ContactImportOptions) => session(o.mode) },
      lists: {
        get: async () => undefined,
        update: async () => {
          throw new Error('not used');
        },
      },
    },
    close: async () => undefined,
  };
}

function vmHwmMb(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function child(file: string, storeName: StoreName): Promise<void> {
  const { stores, close } = await openStore(storeName);
  const baselineRssMb = process.memoryUsage.rss() / 1024 / 1024;
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await importContacts({
    stores,
    input: file,
    fileName: 'bench.csv',
    list: { name: 'bench' },
    settings: { defaultCountry: 'US' },
    batchSize: 2000,
    trackJob: false,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss(), (vmHwmMb() ?? 0) * 1024 * 1024);
  (globalThis as { gc?: () => void }).gc?.();
  const after = process.memoryUsage();
  const retainedMb = (after.heapUsed + after.external) / 1024 / 1024;
  const figures: PipelineFigures = {
    store: storeName,
    baselineRssMb,
    retainedMb,
    rows: result.counters.processedLines,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rowsPerSec: result.counters.processedLines / seconds,
    peakRssMb: peak / 1024 / 1024,
    accepted: result.counters.acceptedLines,
    rejected: result.counters.rejectedLines,
    warnings: result.counters.warningLines,
  };
  await close();
  process.send?.(figures);
}

/**
 * The child runs the pipeline as users run the built packages: this script
 * bundled by esbuild (tsx's own compiler) with the workspace sources inlined
 * and third-party packages external, under plain node. Without esbuild it
 * falls back to tsx, whose loader thread then adds about 40 MB to the RSS.
 */
async function childEntry(): Promise<{ path: string; execArgv: string[]; how: string }> {
  try {
    const esbuild = await import('esbuild');
    const out = join(ROOT, '.bench', 'import-child.mjs');
    await esbuild.build({
      entryPoints: [HERE],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: out,
      conditions: ['@outpace/source'],
      logLevel: 'error',
      plugins: [
        {
          name: 'external-packages',
          setup(build) {
            build.onResolve({ filter: /^[^./]/ }, (a) =>
              a.path.startsWith('@outpace/') ? undefined : { path: a.path, external: true },
            );
          },
        },
      ],
    });
    return { path: out, execArgv: ['--expose-gc'], how: 'bundled with esbuild, run by plain node' };
  } catch {
    return { path: HERE, execArgv: [...process.execArgv, '--expose-gc'], how: 'tsx' };
  }
}

function runChild(
  entry: { path: string; execArgv: string[] },
  file: string,
  store: StoreName,
): Promise<PipelineFigures> {
  return new Promise((resolve, reject) => {
    const proc = fork(entry.path, ['--child', file, '--store', store], {
      execArgv: entry.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let figures: PipelineFigures | undefined;
    proc.on('message', (m) => {
      figures = m as PipelineFigures;
    });
    proc.on('error', reject);
    proc.on('exit', (code) =>
      code === 0 && figures ? resolve(figures) : reject(new Error(`pipeline child (${store}) exited with ${code}`)),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Data: scripts/bench/contacts-csv.ts

async function parseOnly(file: string): Promise<{ rows: number; seconds: number; cpuSeconds: number }> {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let rows = 0;
  const parser = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(parse({}));
  for await (const _record of parser) rows++;
  const cpu = process.cpuUsage(cpu0);
  return { rows: rows - 1, seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

function phoneThroughput(): { fastPerSec: number; libPerSec: number; agree: boolean } {
  const inputs: string[] = [];
  for (let i = 0; i < 200_000; i++) inputs.push(device());
  const fast = createPhoneNormalizer({ defaultCountry: 'US' });
  const lib = createPhoneNormalizer({ defaultCountry: 'US', fastPath: false });
  fast.normalize('2125550123');
  let agree = true;
  for (const s of inputs.slice(0, 20_000)) {
    const a = fast.normalize(s);
    const b = lib.normalize(s);
    if (a.valid !== b.valid || (a.valid && b.valid && a.e164 !== b.e164)) agree = false;
  }
  const time = (n: ReturnType<typeof createPhoneNormalizer>, rounds: number, sample: string[]) => {
    const started = performance.now();
    let valid = 0;
    for (let r = 0; r < rounds; r++) for (const s of sample) if (n.normalize(s).valid) valid++;
    if (valid < 0) console.log(valid);
    return (rounds * sample.length) / ((performance.now() - started) / 1000);
  };
  time(fast, 1, inputs); // warm-up
  const fastPerSec = Math.max(time(fast, 5, inputs), time(fast, 5, inputs));
  const libPerSec = time(lib, 1, inputs.slice(0, 50_000));
  return { fastPerSec, libPerSec, agree };
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'outpace-bench-import-'));
  const file = join(dir, 'contacts.csv');
  try {
    const log = (s: string) => console.log(s);
    log(`Generating ${ROWS.toLocaleString('en-US')} rows…`);
    await generate(file, ROWS);
    log(`csv-parse alone (array mode), best of ${RUNS}…`);
    const runs: Awaited<ReturnType<typeof parseOnly>>[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await parseOnly(file));
    const baseline = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const parseOnlyRowsPerSec = baseline.rows / baseline.seconds;
    for (const r of runs) {
      log(
        `  ${r.rows} rows in ${r.seconds.toFixed(2)} s (${r.cpuSeconds.toFixed(2)} s CPU) = ${Math.round(r.rows / r.seconds).toLocaleString('en-US')} rows/s`,
      );
    }
    const entry = await childEntry();
    log(`Pipeline into the ${STORE} store (child process, ${entry.how}), best of ${RUNS}…`);
    const mains: PipelineFigures[] = [];
    for (let i = 0; i < RUNS; i++) mains.push(await runChild(entry, file, STORE));
    const main = mains.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    for (const m of mains.filter((x) => x !== main)) {
      log(
        `  (slower run: ${m.seconds.toFixed(2)} s, ${m.cpuSeconds.toFixed(2)} s CPU, peak RSS ${m.peakRssMb.toFixed(0)} MB)`,
      );
    }
    log(
      `  ${main.rows} rows in ${main.seconds.toFixed(2)} s (${main.cpuSeconds.toFixed(2)} s CPU) = ${Math.round(main.rowsPerSec).toLocaleString('en-US')} rows/s, peak RSS ${main.peakRssMb.toFixed(0)} MB (${main.baselineRssMb.toFixed(0)} MB before the import, ${main.retainedMb.toFixed(0)} MB kept after a full GC; ${main.accepted} accepted, ${main.rejected} rejected, ${main.warnings} with warnings)`,
    );
    let discard: PipelineFigures | undefined;
    if (STORE !== 'discard') {
      log('Pipeline into a discarding store (the pipeline alone, child process)…');
      discard = await runChild(entry, file, 'discard');
      log(
        `  ${discard.rows} rows in ${discard.seconds.toFixed(2)} s (${discard.cpuSeconds.toFixed(2)} s CPU) = ${Math.round(discard.rowsPerSec).toLocaleString('en-US')} rows/s, peak RSS ${discard.peakRssMb.toFixed(0)} MB (${discard.baselineRssMb.toFixed(0)} MB before the import, ${discard.retainedMb.toFixed(0)} MB kept after a full GC)`,
      );
    }
    log('NANP phone fast path vs libphonenumber-js…');
    const phones = phoneThroughput();
    log(
      `  fast path ${Math.round(phones.fastPerSec).toLocaleString('en-US')} numbers/s, libphonenumber-js ${Math.round(phones.libPerSec).toLocaleString('en-US')} numbers/s (agree on the sample: ${phones.agree})`,
    );
    const ratio = main.rowsPerSec / parseOnlyRowsPerSec;
    const round = (n: number, d = 0) => Math.round(n * 10 ** d) / 10 ** d;
    const perStore = (f: PipelineFigures) => ({
      rows: f.rows,
      seconds: round(f.seconds, 2),
      cpuSeconds: round(f.cpuSeconds, 2),
      cpuRatio: round(baseline.cpuSeconds / f.cpuSeconds, 3),
      rowsPerSec: round(f.rowsPerSec),
      ratio: round(f.rowsPerSec / parseOnlyRowsPerSec, 3),
      peakRssMb: round(f.peakRssMb, 1),
      baselineRssMb: round(f.baselineRssMb, 1),
      retainedMb: round(f.retainedMb, 1),
      accepted: f.accepted,
      rejected: f.rejected,
      warnings: f.warnings,
    });
    const machine = {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      totalMemMb: round(totalmem() / 1024 / 1024),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      note: 'shared 2-core machine; figures are noisy',
    };
    const json = {
      rows: main.rows,
      seconds: round(main.seconds, 2),
      rowsPerSec: round(main.rowsPerSec),
      parseOnlyRowsPerSec: round(parseOnlyRowsPerSec),
      parseOnlySeconds: round(baseline.seconds, 2),
      parseOnlyCpuSeconds: round(baseline.cpuSeconds, 2),
      ratio: round(ratio, 3),
      cpuRatio: round(baseline.cpuSeconds / main.cpuSeconds, 3),
      peakRssMb: round(Math.max(...mains.map((m) => m.peakRssMb)), 1),
      runs: RUNS,
      store: STORE,
      child: entry.how,
      nanpFastPathPerSec: round(phones.fastPerSec),
      libphonenumberPerSec: round(phones.libPerSec),
      goals: { ratio: 0.5, peakRssMb: 300, nanpFastPathPerSec: 1_000_000 },
      met: {
        ratio: ratio >= 0.5,
        peakRssMb: Math.max(...mains.map((m) => m.peakRssMb)) < 300,
        nanpFastPathPerSec: phones.fastPerSec >= 1_000_000,
      },
      stores: {
        // The SQL stores' figures (bench:import-stores) stay; this run replaces its own.
        ...previousStores(),
        [STORE]: perStore(main),
        ...(discard ? { discard: perStore(discard) } : {}),
      },
      machine,
      generatedAt: new Date().toISOString(),
    };
    log(JSON.stringify(json, null, 2));
    writeFileSync(join(ROOT, 'docs/benchmarks/import.json'), `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(join(ROOT, 'docs/benchmarks/import.md'), markdown(RUNS, json, baseline, main, discard));
    log('Wrote docs/benchmarks/import.json and docs/benchmarks/import.md');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface BenchSummary {
  rows: number;
  /** Highest peak RSS over the runs into the chosen store. */
  peakRssMb: number;
  ratio: number;
  cpuRatio: number;
  store: string;
  child: string;
  nanpFastPathPerSec: number;
  libphonenumberPerSec: number;
  machine: { cpus: number; cpuModel: string; node: string };
}

function markdown(
  runs: number,
  s: BenchSummary,
  baseline: { seconds: number; cpuSeconds: number; rows: number },
  main: PipelineFigures,
  discard?: PipelineFigures,
): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const row = (label: string, f: PipelineFigures) =>
    `| ${label} | ${n(f.rowsPerSec)} | ${f.seconds.toFixed(1)} s | ${f.cpuSeconds.toFixed(1)} s | ${f.peakRssMb.toFixed(0)} MB | ${f.baselineRssMb.toFixed(0)} MB | ${f.retainedMb.toFixed(0)} MB |`;
  return `# List import benchmark

\`npm run bench:import\` — ${n(s.rows)} generated contacts (ClientID, names, company, three devices in mixed
formats with about 2% invalid, five Other fields, zip) on ${s.machine.cpus} × ${s.machine.cpuModel}, Node ${s.machine.node}.
The machine is shared with other work (load average often above 10 on 2 cores): wall-clock figures
are noisy, CPU seconds less so. Run it more than once when a goal is close.

| | rows/s | wall | CPU | peak RSS | RSS before | kept after GC |
|---|---:|---:|---:|---:|---:|---:|
| csv-parse alone (array mode, best of ${runs}; baseline) | ${n(baseline.rows / baseline.seconds)} | ${baseline.seconds.toFixed(1)} s | ${baseline.cpuSeconds.toFixed(1)} s | | | |
${row(`full pipeline into the ${s.store} store (best of ${runs})`, main)}
${discard ? `${row('full pipeline into a discarding store (the pipeline alone)', discard)}\n` : ''}
- ratio pipeline / csv-parse (rows/s): **${s.ratio}** (goal ≥ 0.5); in CPU time: ${s.cpuRatio}
- peak RSS of the process importing into the ${s.store} store (highest of the runs): **${s.peakRssMb.toFixed(0)} MB** (goal < 300 MB)
- NANP phone fast path: **${n(s.nanpFastPathPerSec)} numbers/s** (goal ≥ 1,000,000); libphonenumber-js on the same numbers: ${n(s.libphonenumberPerSec)} numbers/s

The pipeline reads, decodes, splits, maps, validates, normalises every device to E.164, derives default
time zones and stages contacts in batches of 2,000 through one import session. Each pipeline run is a
child process (${s.child}); peak RSS is sampled every 20 ms and read from \`VmHWM\`, and the heap and
off-heap buffers still used after a full GC at the end show what is kept (about 15 MB is the loaded
code and phone metadata). The discarding store keeps nothing: its row is the
pipeline's own cost, and the difference between the two rows is the ${s.store} store's (encoding and
holding the contacts).
`;
}

if (DELEGATED) {
  // import-stores.ts ran above.
} else if (args[0] === '--child') {
  await child(args[1]!, STORE);
} else {
  await main();
}
