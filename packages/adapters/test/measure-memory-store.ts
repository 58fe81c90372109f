/**
 * Measures the memory store with a list shaped like the import benchmark's:
 * 1,000,000 contacts with three devices and five Other fields, staged in
 * batches of 1,000 and committed, then read back. Prints RSS and timings.
 *
 *   node --expose-gc --conditions=@outpace/source --import tsx packages/adapters/test/measure-memory-store.ts [count] [compact|objects]
 */
import { performance } from 'node:perf_hooks';
import { createMemoryStore } from '@outpace/adapters/memory';
import type { Device, NewContact } from '@outpace/core';
import { SelectionSchema } from '@outpace/core';

const count = Number(process.argv[2] ?? 1_000_000);
const encoding = (process.argv[3] ?? 'compact') as 'compact' | 'objects';

const STATES = ['NY', 'CA', 'TX', 'FL', 'IL', 'PA', 'OH', 'GA', 'NC', 'MI', 'NJ', 'VA', 'WA', 'AZ', 'MA'];
const ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Phoenix'];
const FIRST = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez'];
const TYPES: Device['type'][] = ['mobile', 'home', 'work'];

let seed = 42;
const random = (n: number) => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % n;
};

function device(index: number): Device {
  const npa = String(201 + random(780));
  const nxx = String(200 + random(800));
  const line = String(random(10_000)).padStart(4, '0');
  const state = STATES[Number(npa) % STATES.length] as string;
  const raws = [
    `(${npa}) ${nxx}-${line}`,
    `${npa}-${nxx}-${line}`,
    `${npa}${nxx}${line}`,
    `+1 ${npa} ${nxx} ${line}`,
    `1.${npa}.${nxx}.${line}`,
  ];
  return {
    index,
    type: TYPES[index - 1] as Device['type'],
    value: `+1${npa}${nxx}${line}`,
    raw: raws[random(raws.length)] as string,
    countryCallingCode: '1',
    countryIso: 'US',
    areaCode: npa,
    exchange: nxx,
    region: state,
    timeZone: ZONES[Number(npa) % ZONES.length] as string,
    timeZoneSource: 'phone-exchange',
    international: false,
  };
}

function contact(n: number): NewContact {
  const devices = [device(1), device(2), device(3)];
  const first = devices[0] as Device;
  return {
    clientId: `CID${String(n).padStart(8, '0')}`,
    firstName: FIRST[random(FIRST.length)] as string,
    lastName: LAST[random(LAST.length)] as string,
    company: `Company ${random(5000)}`,
    others: {
      other1: (random(1_000_000) / 100).toFixed(2),
      other2: `2025-${String(1 + random(12)).padStart(2, '0')}-${String(1 + random(28)).padStart(2, '0')}`,
      other3: `AC${random(1_000_000)}`,
      other4: ['Gold', 'Silver', 'Bronze'][random(3)] as string,
      other5: `Note ${random(100_000)}`,
    },
    devices,
    location: {
      country: 'US',
      region: first.region as string,
      timeZone: first.timeZone as string,
      source: 'phone-exchange',
    },
  };
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
let peakRss = 0;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const timer = setInterval(sample, 20);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

gc();
const baseRss = process.memoryUsage().rss;
const store = createMemoryStore({ contactEncoding: encoding });
const tenant = await store.tenants.create({ name: 'Bench' });
const { contacts } = store.forTenant(tenant.id);

const t0 = performance.now();
const session = await contacts.beginImport({ mode: 'CREATE' });
const list = await session.createList({ name: 'One million' });
for (let from = 0; from < count; from += 1000) {
  const batch: NewContact[] = [];
  for (let n = from; n < Math.min(from + 1000, count); n++) batch.push(contact(n));
  await session.write(list.id, batch);
  sample();
}
const t1 = performance.now();
await session.commit();
const t2 = performance.now();
sample();
gc();
const retainedRss = process.memoryUsage().rss;
const { heapUsed, arrayBuffers } = process.memoryUsage();

// Reads.
const ids: string[] = [];
const page = await contacts.list(list.id, { limit: 1000 });
for (const c of page.items) ids.push(c.id);
// Warm up both read paths before timing them.
for (let i = 0; i < 2_000; i++) {
  await contacts.getByClientId(list.id, `CID${String(random(count)).padStart(8, '0')}`);
  await contacts.get(list.id, ids[i % ids.length] as string);
}
const t3 = performance.now();
for (let i = 0; i < 10_000; i++) await contacts.getByClientId(list.id, `CID${String(random(count)).padStart(8, '0')}`);
const t4 = performance.now();
for (let i = 0; i < 10_000; i++) await contacts.get(list.id, ids[i % ids.length] as string);
const t5 = performance.now();
let streamed = 0;
for await (const _ of contacts.stream(list.id, { batchSize: 1000 })) streamed++;
const t6 = performance.now();
const gold = SelectionSchema.parse({
  conditionSets: [{ conditions: [{ field: 'other4', operator: 'equal', value: 'gold' }] }],
});
const selected = await contacts.count(list.id, gold);
const t7 = performance.now();
clearInterval(timer);
sample();

const result = {
  encoding,
  contacts: count,
  stageSeconds: +((t1 - t0) / 1000).toFixed(2),
  commitSeconds: +((t2 - t1) / 1000).toFixed(2),
  peakRssMb: mb(peakRss),
  baseRssMb: mb(baseRss),
  retainedRssMb: mb(retainedRss),
  heapUsedMb: mb(heapUsed),
  arrayBuffersMb: mb(arrayBuffers),
  bytesPerContact: Math.round((retainedRss - baseRss) / count),
  getByClientIdMicros: +(((t4 - t3) / 10_000) * 1000).toFixed(1),
  getMicros: +(((t5 - t4) / 10_000) * 1000).toFixed(1),
  streamSeconds: +((t6 - t5) / 1000).toFixed(2),
  streamed,
  countWithSelectionSeconds: +((t7 - t6) / 1000).toFixed(2),
  selected,
};
console.log(JSON.stringify(result, null, 2));
