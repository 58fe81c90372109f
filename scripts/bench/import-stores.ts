/**
 * Import benchmark of the SQL stores
 * (`npm run bench:import-stores -- --store sqlite|postgres [--rows=1000000] [--runs 3] [--staging-thread off]`).
 *
 * Same run, same data, side by side:
 * 1. Generates a CSV like `bench:import` (ClientID, names, company, three
 *    devices in mixed formats with about 2% invalid, five Other fields, zip).
 * 2. The full pipeline (`importContacts`, CREATE) into the store, in a child
 *    process (its peak RSS is the figure), with the time spent inside the
 *    store's `session.write` and `commit` measured apart.
 * 3. Raw driver insert of the same prepared rows: the contacts the pipeline
 *    produced, encoded once into the store's row layout, inserted with the bare
 *    driver (better-sqlite3 multi-row prepared statements; pg `COPY … FROM STDIN`)
 *    in transactions of the same size, into a fresh copy of the same tables.
 * 4. A selection rule counted over the imported list (median of three).
 *
 * Before each timed step the harness has the OS write out its own files
 * (`sync`), which would otherwise be written back during the step.
 *
 * Writes `stores.<name>` into docs/benchmarks/import.json (keeping what other
 * benchmarks wrote there) and docs/benchmarks/import-stores.md, which also says
 * whether each rate goal was met and whether the raw insert alone reaches it.
 * `--report` only rewrites that markdown from docs/benchmarks/import-stores.json.
 * The machine is shared and has 2 cores: figures are noisy; run it more than once.
 */
import { fork, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ContactImportOptions, NewContact, OutpaceStore, SelectionInput } from '@outpace/core';
import { importContacts, parseSelection } from '@outpace/core';
import { contactColumns, encodeContact } from '../../packages/adapters/src/sql/contact-rows.js';
import type { SqlDialect } from '../../packages/adapters/src/sql/dialect.js';
import { generate } from './contacts-csv.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  if (eq) return eq.slice(name.length + 3);
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const STORES = ['sqlite', 'postgres'] as const;
type StoreName = (typeof STORES)[number];
const ROWS = Number(arg('rows') ?? 1_000_000);
/** Pipeline and raw-insert runs per store, interleaved; the figures are the median run's (`--runs 3`). */
const RUNS = Math.max(1, Math.floor(Number(arg('runs') ?? 1)));
const BATCH = 2000;
const PG_URL = arg('pg-url') ?? 'postgres://postgres@127.0.0.1:5432/test';
const HERE = fileURLToPath(import.meta.url);
const ROOT = join(HERE, '..', '..', '..');

/** The rule counted over the imported list: two of 16 area codes and a balance, or a name prefix. */
export const BENCH_SELECTION: SelectionInput = {
  conditionSets: [
    {
      conditions: [
        { field: 'device', type: 'areaCode', operator: 'in', value: ['212', '415', '617'] },
        { field: 'other1', type: 'numeric', operator: 'greaterThan', value: 50_000 },
      ],
    },
    { conditions: [{ field: 'lastName', operator: 'like', value: 'smi%' }] },
  ],
};

// ---------------------------------------------------------------------------------------------
// Stores

interface OpenedStore {
  store: OutpaceStore & { migrate(): Promise<string[]> };
  dialect: SqlDialect;
  /** Inserts prepared rows with the bare driver (one transaction per call). */
  rawInsert(rows: unknown[][], slots: number): Promise<void>;
  close(): Promise<void>;
}

async function openStore(name: StoreName, dir: string, tag: string): Promise<OpenedStore> {
  if (name === 'sqlite') {
    const { createSqliteStore } = await import('@outpace/adapters/sqlite');
    const { createSqliteDialect } = await import('../../packages/adapters/src/sqlite/dialect.js');
    const { default: Database } = await import('better-sqlite3');
    const filename = join(dir, `${tag}.db`);
    // `--staging-thread off` writes the import's staging rows in the store's own connection (for A/B runs).
    const store = createSqliteStore({ filename, stagingThread: arg('staging-thread') !== 'off' });
    let raw: InstanceType<typeof Database> | undefined;
    const statements = new Map<string, { run(...params: unknown[]): unknown }>();
    const dialect = createSqliteDialect({ durable: true });
    return {
      store,
      dialect,
      async rawInsert(rows, slots) {
        if (raw === undefined) {
          raw = new Database(filename);
          raw.pragma('journal_mode = WAL');
          raw.pragma('synchronous = NORMAL');
          raw.pragma('cache_size = -262144');
        }
        const db = raw;
        const layout = contactColumns(slots);
        const columns = layout.map((c) => c.name);
        const perStatement = Math.min(200, Math.floor(32_766 / columns.length));
        // The same row layout as the store's: binary JSON columns go through the dialect's function.
        const toBinary = dialect.binaryJson?.write;
        const tuple = `(${layout.map((c) => (c.binaryJson && toBinary ? `${toBinary}(?)` : '?')).join(', ')})`;
        const statement = (count: number) => {
          const key = `${slots}:${count}`;
          let s = statements.get(key);
          if (s === undefined) {
            s = db.prepare(
              `insert into outpace_contacts (${columns.join(', ')}) values ${new Array(count).fill(tuple).join(', ')}`,
            ) as unknown as { run(...params: unknown[]): unknown };
            statements.set(key, s);
          }
          return s;
        };
        db.transaction(() => {
          for (let i = 0; i < rows.length; i += perStatement) {
            const count = Math.min(perStatement, rows.length - i);
            // A plain loop, as the store's own insert does: `rows.slice(…).flat()` made this baseline
            // about a quarter slower (6.3 to 6.5 s against 5.0 to 5.1 s for 398,000 contacts).
            const params: unknown[] = new Array(count * columns.length);
            let p = 0;
            for (let r = i; r < i + count; r++) {
              const row = rows[r] as unknown[];
              for (let c = 0; c < columns.length; c++) params[p++] = row[c];
            }
            statement(count).run(...params);
          }
        })();
      },
      async close() {
        raw?.close();
        await store.close();
      },
    };
  }
  const { createPostgresStore } = await import('@outpace/adapters/postgres');
  const { createPostgresDialect } = await import('../../packages/adapters/src/postgres/dialect.js');
  const { default: pg } = await import('pg');
  const { createCopyStager } = await import('../../packages/adapters/src/postgres/copy.js');
  const schema = `outpace_bench_${tag}_${process.pid}`;
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  await pool.query(`drop schema if exists ${schema} cascade`);
  const store = createPostgresStore({ pool, schema });
  const copy = createCopyStager(pool, (table) => `${schema}.${table}`);
  return {
    store,
    dialect: createPostgresDialect({ schema }),
    async rawInsert(rows, slots) {
      // COPY, as the store stages an import: the rows as COPY text, one batch per transaction with
      // synchronous_commit off, one at a time (the store keeps two under way beside its parsing).
      await copy.write('outpace_contacts', contactColumns(slots), rows);
    },
    async close() {
      await store.close();
      await pool.query(`drop schema if exists ${schema} cascade`);
      await pool.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Child: the full pipeline into the store, then the selection count

interface PipelineFigures {
  rows: number;
  accepted: number;
  seconds: number;
  rowsPerSec: number;
  storeWriteSeconds: number;
  commitSeconds: number;
  peakRssMb: number;
  /** Peak of the process's anonymous memory (RssAnon): its heaps and SQLite's page caches, without mapped files. */
  peakRssAnonMb: number;
  /** CPU time (user + system) of the importing process over the pipeline: all of SQLite's work, only the client's on PostgreSQL. */
  cpuSeconds: number;
  selectionCount: number;
  selectionCountMs: number;
  selectionCountRunsMs: number[];
  /** CPU time of this process per selection count run: the whole query on SQLite (in-process), only the client's share on PostgreSQL. */
  selectionCountCpuRunsMs: number[];
  fullCountMs: number;
}

/** A field of /proc/self/status given in kB (`RssAnon`, `VmHWM`), in MB; 0 where there is none. */
function procStatusMb(field: 'RssAnon' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function pipelineChild(file: string, name: StoreName, dir: string, tag: string): Promise<void> {
  const opened = await openStore(name, dir, tag);
  const { store } = opened;
  await store.migrate();
  const tenant = await store.tenants.create({ name: 'bench' });
  const stores = store.forTenant(tenant.id);
  let writeMs = 0;
  let commitMs = 0;
  // The store's own share of the time: inside write() and commit().
  const contacts = {
    async beginImport(options: ContactImportOptions) {
      const session = await stores.contacts.beginImport(options);
      return {
        mode: session.mode,
        createList: session.createList.bind(session),
        abort: session.abort.bind(session),
        async write(listId: string, batch: readonly NewContact[]) {
          const started = performance.now();
          try {
            return await session.write(listId, batch);
          } finally {
            writeMs += performance.now() - started;
          }
        },
        async commit() {
          const started = performance.now();
          try {
            return await session.commit();
          } finally {
            commitMs += performance.now() - started;
          }
        },
      };
    },
  };
  let peak = process.memoryUsage.rss();
  let peakAnon = procStatusMb('RssAnon');
  let ticks = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    // /proc/self/status every 100 ms: reading it is dearer than rss().
    if (++ticks % 5 === 0) peakAnon = Math.max(peakAnon, procStatusMb('RssAnon'));
  }, 20);
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const result = await importContacts({
    stores: { contacts, lists: stores.lists },
    input: file,
    fileName: 'bench.csv',
    list: { name: 'bench' },
    settings: { defaultCountry: 'US' },
    batchSize: BATCH,
    trackJob: false,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = process.cpuUsage(cpuStart);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss(), procStatusMb('VmHWM') * 1024 * 1024);
  peakAnon = Math.max(peakAnon, procStatusMb('RssAnon'));
  const listId = result.lists[0]?.id as string;
  const selection = parseSelection(BENCH_SELECTION);
  const runs: number[] = [];
  const cpuRuns: number[] = [];
  let selectionCount = 0;
  for (let i = 0; i < 3; i++) {
    const cpu = process.cpuUsage();
    const t = performance.now();
    selectionCount = await stores.contacts.count(listId, selection);
    runs.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    cpuRuns.push((used.user + used.system) / 1000);
  }
  const t = performance.now();
  await stores.contacts.count(listId);
  const fullCountMs = performance.now() - t;
  await opened.close();
  const figures: PipelineFigures = {
    rows: result.counters.processedLines,
    accepted: result.counters.acceptedLines,
    seconds,
    rowsPerSec: result.counters.processedLines / seconds,
    storeWriteSeconds: writeMs / 1000,
    commitSeconds: commitMs / 1000,
    peakRssMb: peak / 1024 / 1024,
    peakRssAnonMb: peakAnon,
    cpuSeconds: (cpuUsed.user + cpuUsed.system) / 1e6,
    selectionCount,
    selectionCountMs: [...runs].sort((a, b) => a - b)[1] as number,
    selectionCountRunsMs: runs,
    selectionCountCpuRunsMs: cpuRuns,
    fullCountMs,
  };
  process.send?.(figures);
}

/** The run whose `key` is the median (the lower middle one of an even count). */
function median<T>(runs: readonly T[], key: (run: T) => number): T {
  const sorted = [...runs].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)] as T;
}

/** Runs the pipeline once into a session that saves every staged batch (the prepared rows of the raw baseline). */
async function capture(file: string, out: string): Promise<number> {
  const sink = createWriteStream(out);
  const write = (s: string) => new Promise<void>((res) => (sink.write(s) ? res() : sink.once('drain', res)));
  let n = 0;
  const session = (mode: ContactImportOptions['mode']) => ({
    mode,
    async createList(input: { name: string }) {
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
    async write(_listId: string, batch: readonly NewContact[]) {
      await write(`${JSON.stringify(batch)}\n`);
      return [];
    },
    async commit() {
      return { inserted: 0, updated: 0, deleted: 0, lists: [] };
    },
    async abort() {},
  });
  const result = await importContacts({
    stores: {
      contacts: { beginImport: async (o: ContactImportOptions) => session(o.mode) },
      lists: {
        get: async () => undefined,
        update: async () => {
          throw new Error('not used');
        },
      },
    },
    input: file,
    fileName: 'bench.csv',
    list: { name: 'bench' },
    settings: { defaultCountry: 'US' },
    batchSize: BATCH,
    trackJob: false,
  });
  await new Promise<void>((res) => sink.end(res));
  return result.counters.acceptedLines;
}

/** Inserts the captured contacts with the bare driver; only the driver calls are timed. */
async function rawBaseline(
  name: StoreName,
  dir: string,
  captured: string,
  tag: string,
): Promise<{ rows: number; seconds: number }> {
  const opened = await openStore(name, dir, tag);
  await opened.store.migrate();
  let rows = 0;
  let insertMs = 0;
  let batchNo = 0;
  const lines = createInterface({ input: createReadStream(captured), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    const batch = JSON.parse(line) as NewContact[];
    const slots = Math.max(0, ...batch.map((c) => c.devices.length));
    const prepared = batch.map((contact, i) => {
      const row: unknown[] = [];
      const id = `con_${String(batchNo).padStart(8, '0')}${String(i).padStart(6, '0')}`;
      encodeContact(
        opened.dialect,
        { tenantId: 'ten_bench', dataId: 'seg_bench', id, createdAt: null, updatedAt: null },
        contact,
        slots,
        row,
      );
      return row;
    });
    batchNo++;
    const started = performance.now();
    await opened.rawInsert(prepared, slots);
    insertMs += performance.now() - started;
    rows += batch.length;
  }
  await opened.close();
  return { rows, seconds: insertMs / 1000 };
}

/**
 * Has the OS write out what the harness wrote (the CSV, the captured rows, the
 * other store's files: gigabytes for 1,000,000 rows) before a timed run, so
 * that their write-back is not charged to the run. Runs `sync` where there is one.
 */
function settleDisk(): void {
  spawnSync('sync', { stdio: 'ignore' });
}

function runChild(file: string, store: StoreName, dir: string, tag: string): Promise<PipelineFigures> {
  return new Promise((resolve, reject) => {
    const passed = arg('staging-thread') === undefined ? [] : ['--staging-thread', arg('staging-thread') as string];
    const proc = fork(HERE, ['--child', file, '--store', store, '--dir', dir, '--tag', tag, ...passed], {
      // The Node setting `npm start` runs the server with (docs/server.md, "Node settings").
      execArgv: [...process.execArgv, '--max-semi-space-size=64'],
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
// Data: the file of bench:import (scripts/bench/contacts-csv.ts)

// ---------------------------------------------------------------------------------------------
// Main

const GOALS: Record<StoreName, { rowsPerSec: number; selectionCountMs: number }> = {
  sqlite: { rowsPerSec: 100_000, selectionCountMs: 1000 },
  postgres: { rowsPerSec: 50_000, selectionCountMs: 1000 },
};

async function main(): Promise<void> {
  const requested = arg('store');
  const names = (requested === undefined ? [...STORES] : requested.split(',')) as StoreName[];
  for (const n of names) {
    if (!STORES.includes(n)) {
      console.error(`Unknown --store "${n}"; use sqlite, postgres or both (sqlite,postgres).`);
      process.exit(2);
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'outpace-bench-stores-'));
  const file = join(dir, 'contacts.csv');
  const captured = join(dir, 'prepared.ndjson');
  const round = (n: number, d = 0) => Math.round(n * 10 ** d) / 10 ** d;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  try {
    console.log(`Generating ${fmt(ROWS)} rows…`);
    await generate(file, ROWS);
    console.log('Capturing the pipeline output (the prepared rows of the raw baseline)…');
    const acceptedRows = await capture(file, captured);
    const results: Record<string, unknown> = {};
    for (const name of names) {
      // Interleaved: pipeline, raw insert, pipeline, raw insert… The figures are the median run's.
      const pipelines: PipelineFigures[] = [];
      const raws: { rows: number; seconds: number }[] = [];
      for (let run = 1; run <= RUNS; run++) {
        const of = RUNS > 1 ? ` (run ${run} of ${RUNS})` : '';
        console.log(`[${name}] full pipeline into the store (child process)${of}…`);
        settleDisk();
        const p = await runChild(file, name, dir, `pipeline_${run}`);
        pipelines.push(p);
        console.log(
          `  ${fmt(p.rows)} rows in ${p.seconds.toFixed(1)} s = ${fmt(p.rowsPerSec)} rows/s; store write ${p.storeWriteSeconds.toFixed(1)} s, commit ${p.commitSeconds.toFixed(2)} s; peak RSS ${p.peakRssMb.toFixed(0)} MB; CPU of the importing process ${p.cpuSeconds.toFixed(1)} s = ${fmt(p.rows / p.cpuSeconds)} rows per CPU-second`,
        );
        console.log(
          `  selection count ${fmt(p.selectionCount)} in ${p.selectionCountMs.toFixed(0)} ms (runs ${p.selectionCountRunsMs.map((r) => r.toFixed(0)).join(', ')}; CPU of this process ${p.selectionCountCpuRunsMs.map((r) => r.toFixed(0)).join(', ')} ms); count(*) ${p.fullCountMs.toFixed(0)} ms`,
        );
        console.log(`[${name}] raw driver insert of the same ${fmt(acceptedRows)} prepared rows${of}…`);
        settleDisk();
        const r = await rawBaseline(name, dir, captured, `raw_${run}`);
        raws.push(r);
        console.log(`  ${fmt(r.rows)} rows in ${r.seconds.toFixed(1)} s = ${fmt(r.rows / r.seconds)} rows/s`);
        // Each run writes fresh files (SQLite: about a gigabyte each); the next run does not need these.
        for (const tag of [`pipeline_${run}`, `raw_${run}`]) {
          for (const suffix of ['.db', '.db-wal', '.db-shm']) await rm(join(dir, `${tag}${suffix}`), { force: true });
        }
      }
      const pipeline = median(pipelines, (p) => p.rowsPerSec);
      const raw = median(raws, (r) => r.rows / r.seconds);
      const rawRowsPerSec = raw.rows / raw.seconds;
      const goal = GOALS[name].rowsPerSec;
      console.log(
        `[${name}] goal ≥ ${fmt(goal)} rows/s ${pipeline.rowsPerSec >= goal ? 'met' : 'not met'} (${fmt(pipeline.rowsPerSec)}); the raw driver insert alone ${rawRowsPerSec >= goal ? 'reaches' : 'does not reach'} it (${fmt(rawRowsPerSec)})`,
      );
      const storeRowsPerSec = pipeline.accepted / (pipeline.storeWriteSeconds + pipeline.commitSeconds);
      results[name] = {
        rows: pipeline.rows,
        runs: RUNS,
        seconds: round(pipeline.seconds, 2),
        rowsPerSec: round(pipeline.rowsPerSec),
        rowsPerSecRuns: pipelines.map((p) => round(p.rowsPerSec)),
        ratioToRawInsert: round(pipeline.rowsPerSec / rawRowsPerSec, 3),
        peakRssMb: round(pipeline.peakRssMb, 1),
        peakRssAnonMb: round(pipeline.peakRssAnonMb, 1),
        ...(name === 'sqlite' ? { stagingThread: arg('staging-thread') !== 'off' } : {}),
        cpuSeconds: round(pipeline.cpuSeconds, 2),
        rowsPerCpuSec: round(pipeline.rows / pipeline.cpuSeconds),
        selectionCountMs: round(pipeline.selectionCountMs, 1),
        selectionCount: pipeline.selectionCount,
        selectionCountRunsMs: pipeline.selectionCountRunsMs.map((r) => round(r, 1)),
        selectionCountCpuRunsMs: pipeline.selectionCountCpuRunsMs.map((r) => round(r, 1)),
        fullCountMs: round(pipeline.fullCountMs, 1),
        accepted: pipeline.accepted,
        storeWriteSeconds: round(pipeline.storeWriteSeconds, 2),
        commitSeconds: round(pipeline.commitSeconds, 2),
        storeRowsPerSec: round(storeRowsPerSec),
        storeRatioToRawInsert: round(storeRowsPerSec / rawRowsPerSec, 3),
        rawInsertRowsPerSec: round(rawRowsPerSec),
        rawInsertRowsPerSecRuns: raws.map((r) => round(r.rows / r.seconds)),
        rawInsertSeconds: round(raw.seconds, 2),
        goals: GOALS[name],
        met: {
          rowsPerSec: pipeline.rowsPerSec >= GOALS[name].rowsPerSec,
          selectionCountMs: pipeline.selectionCountMs < GOALS[name].selectionCountMs,
          /**
           * Whether the bare driver inserts the prepared rows at the pipeline's goal rate (on
           * SQLite, whose one writer does all inserts, a ceiling for the pipeline's).
           */
          rawInsertReachesGoal: rawRowsPerSec >= GOALS[name].rowsPerSec,
        },
        selection: BENCH_SELECTION,
        /** 1, 5 and 15 minute load averages at the end of the run (2 cores; other work shares the machine). */
        loadAverage: loadavg().map((l) => round(l, 1)),
        generatedAt: new Date().toISOString(),
      };
    }
    const jsonPath = join(ROOT, 'docs/benchmarks/import.json');
    const json = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as Record<string, unknown>) : {};
    const stores = { ...((json.stores as Record<string, unknown> | undefined) ?? {}), ...results };
    const machine = {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      totalMemMb: round(totalmem() / 1024 / 1024),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      note: 'shared 2-core machine; figures are noisy',
    };
    writeFileSync(jsonPath, `${JSON.stringify({ ...json, stores, machine: json.machine ?? machine }, null, 2)}\n`);
    // The same figures on their own, so a run of another benchmark that rewrites import.json loses nothing.
    const ownPath = join(ROOT, 'docs/benchmarks/import-stores.json');
    const own = existsSync(ownPath) ? (JSON.parse(readFileSync(ownPath, 'utf8')) as Record<string, unknown>) : {};
    writeFileSync(
      ownPath,
      `${JSON.stringify({ stores: { ...((own.stores as Record<string, unknown> | undefined) ?? {}), ...results }, machine, loadAverage: loadavg() }, null, 2)}\n`,
    );
    writeFileSync(join(ROOT, 'docs/benchmarks/import-stores.md'), markdown(stores, machine));
    console.log(JSON.stringify(results, null, 2));
    console.log('Updated docs/benchmarks/import.json (stores.*), import-stores.json and import-stores.md');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function markdown(stores: Record<string, unknown>, machine: { cpus: number; cpuModel: string; node: string }): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const goals: string[] = [];
  const rows = STORES.filter((s) => stores[s] !== undefined).map((s) => {
    const f = stores[s] as {
      rowsPerSec: number;
      storeRowsPerSec: number;
      rawInsertRowsPerSec: number;
      ratioToRawInsert: number;
      storeRatioToRawInsert: number;
      peakRssMb: number;
      peakRssAnonMb?: number;
      rowsPerCpuSec?: number;
      selectionCountMs: number;
      goals: { rowsPerSec: number };
      loadAverage?: number[];
      selectionCountCpuRunsMs?: number[];
      rowsPerSecRuns?: number[];
      rawInsertRowsPerSecRuns?: number[];
    };
    const cpu = f.selectionCountCpuRunsMs;
    const runs = (all: number[] | undefined) =>
      all !== undefined && all.length > 1 ? `; runs ${all.map(n).join(', ')}` : '';
    const cpuNote =
      s === 'sqlite' && cpu !== undefined ? `; CPU ${n([...cpu].sort((a, b) => a - b)[1] ?? cpu[0] ?? 0)} ms` : '';
    const rate = f.rowsPerSec >= f.goals.rowsPerSec ? 'met' : 'not met';
    const raw =
      f.rawInsertRowsPerSec >= f.goals.rowsPerSec
        ? `; the raw driver insert alone reaches it (${n(f.rawInsertRowsPerSec)} rows/s)`
        : `; the raw driver insert of the same rows alone runs below it (${n(f.rawInsertRowsPerSec)} rows/s)${
            s === 'sqlite'
              ? ", on SQLite's one writer, so no pipeline writing this row layout meets it on this machine"
              : ' (one batch at a time; the store keeps two under way, which lets its pipeline run a little faster)'
          }`;
    goals.push(`- **${s}**: import rate goal (≥ ${n(f.goals.rowsPerSec)} rows/s) ${rate}${raw}.`);
    return `| ${s} | ${n(f.rowsPerSec)} (goal ≥ ${n(f.goals.rowsPerSec)}${runs(f.rowsPerSecRuns)}) | ${f.rowsPerCpuSec === undefined ? '?' : n(f.rowsPerCpuSec)} | ${n(f.storeRowsPerSec)} | ${n(f.rawInsertRowsPerSec)}${runs(f.rawInsertRowsPerSecRuns)} | ${f.ratioToRawInsert} | ${f.storeRatioToRawInsert} | ${f.peakRssMb} MB (${f.peakRssAnonMb ?? '?'} MB) | ${n(f.selectionCountMs)} ms${cpuNote} (goal < 1,000) | ${f.loadAverage?.[0] ?? '?'} |`;
  });
  return `# SQL store import benchmark

\`npm run bench:import -- --store sqlite|postgres\` (or \`npm run bench:import-stores -- …\`) — ${n(ROWS)} generated rows (the format of
\`bench:import\`), on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}. The machine is shared with
other work: figures are noisy, run it more than once (\`--runs 3\` runs the pipeline and the raw insert three times each,
interleaved, and gives the median run's figures, with every run's rate).

| store | full pipeline rows/s | pipeline rows per CPU-second of the importing process | store rows/s (inside write + commit) | raw driver insert rows/s | pipeline / raw | store / raw | peak RSS (anonymous) | selection count | load (1 min, 2 cores) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

${goals.join('\n')}

- **full pipeline**: \`importContacts\` (CSV → contacts, E.164, validation, time zones) into the store in
  one CREATE session with batches of ${BATCH.toLocaleString('en-US')}, in a child process whose peak RSS is given (on SQLite
  it counts the pages of the database file read through the store's memory map, \`mmapSizeMb\`, which the OS can drop;
  in brackets the peak of the process's anonymous memory, \`RssAnon\`: heaps and page caches, without mapped files).
  Before each timed run the harness runs \`sync\`, so that the OS writing out files of the harness itself (the CSV,
  the captured rows, the other store's database) is not charged to the run.
- **rows per CPU-second**: rows divided by the CPU time (user + system) of the importing process over the
  pipeline — on SQLite all the work (the engine runs in the process), on PostgreSQL only the client's share.
  On a machine whose load average is several times its core count, this is the figure contention moves least.
- **store rows/s**: accepted contacts divided by the time spent inside the store's \`write\` and \`commit\`.
- **raw driver insert**: the same contacts, encoded once into the store's row layout, inserted with the bare
  driver into a fresh copy of the tables (better-sqlite3 multi-row prepared statements, with the Other fields
  through \`jsonb(?)\` as the store writes them; pg \`COPY … FROM STDIN\` in text format with
  \`synchronous_commit = off\`, as the store's staging writes, one batch at a time), in transactions of ${BATCH.toLocaleString('en-US')}.
- **selection count**: median of three \`contacts.count(list, rule)\` over the imported list, wall clock (SQLite also
  gives the CPU time of the query, which runs in the benchmark's process: on a loaded machine the wall time is mostly
  waiting for a core), with the rule
  \`(any device's area code in 212, 415, 617 and Other1 > 50000) or last name like "smi%"\`.
`;
}

if (args[0] === '--child') {
  await pipelineChild(args[1] as string, arg('store') as StoreName, arg('dir') as string, arg('tag') as string);
} else if (args.includes('--report')) {
  // Rewrites import-stores.md from the recorded figures (after a change of its format), measuring nothing.
  const own = JSON.parse(readFileSync(join(ROOT, 'docs/benchmarks/import-stores.json'), 'utf8')) as {
    stores: Record<string, unknown>;
    machine: { cpus: number; cpuModel: string; node: string };
  };
  writeFileSync(join(ROOT, 'docs/benchmarks/import-stores.md'), markdown(own.stores, own.machine));
  console.log('Rewrote docs/benchmarks/import-stores.md from docs/benchmarks/import-stores.json');
} else {
  await main();
}
