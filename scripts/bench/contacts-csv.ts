/**
 * The generated contact file of the import benchmarks (`bench:import`, `bench:import-stores`): a seeded
 * CSV with ClientID, names, company, three devices in mixed formats (about 2% invalid), five Other
 * fields and a ZIP code. The same seed gives the same file in every benchmark.
 */
import { createWriteStream } from 'node:fs';

let seed = 20_260_611;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const FIRST = ['Ann', 'Bob', 'Carmen', 'Dmitri', 'Eve', 'Fatima', 'Gus', 'Hana', 'Ivan', 'José', 'Kai', 'Lena'];
const LAST = ['Lee', 'Ray', 'Smith', 'García', 'Nguyen', 'Okafor', 'Ivanova', 'Brown', 'Müller', 'Rossi'];
const COMPANY = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vehement', 'Stark', ''];
const NPAS = [
  '212',
  '213',
  '305',
  '312',
  '415',
  '503',
  '617',
  '702',
  '713',
  '808',
  '907',
  '204',
  '416',
  '604',
  '787',
  '800',
];
const INVALID = ['555-01', 'n/a', '211-555-0100', '123-456-7890', '99999', 'call me'];

/** One phone number as customers write them (about 2% not a phone number). */
export function device(): string {
  if (random() < 0.02) return pick(INVALID);
  const npa = pick(NPAS);
  const nxx = String(200 + Math.floor(random() * 800));
  const line = String(Math.floor(random() * 10_000)).padStart(4, '0');
  switch (Math.floor(random() * 6)) {
    case 0:
      return `(${npa}) ${nxx}-${line}`;
    case 1:
      return `${npa}-${nxx}-${line}`;
    case 2:
      return `+1 ${npa} ${nxx} ${line}`;
    case 3:
      return `1.${npa}.${nxx}.${line}`;
    case 4:
      return `${npa}${nxx}${line}`;
    default:
      return `+1${npa}${nxx}${line}`;
  }
}

/** Writes `rows` generated contacts (and the header) to `file`; returns the row count. */
export async function generate(file: string, rows: number): Promise<number> {
  const out = createWriteStream(file);
  const write = (s: string) => new Promise<void>((res) => (out.write(s) ? res() : out.once('drain', res)));
  await write('ClientID,FirstName,LastName,Company,Device1,Device2,cellPhone,Other1,Other2,Other3,Other4,Other5,zip\n');
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    const company = pick(COMPANY);
    chunk += `C${i},${pick(FIRST)},${pick(LAST)},${company.includes(',') ? `"${company}"` : company},${device()},${random() < 0.7 ? device() : ''},${device()},${Math.floor(random() * 100_000)},tier-${Math.floor(random() * 5)},${random() < 0.5 ? 'yes' : 'no'},2026-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)},"note ${i % 97}",${String(Math.floor(random() * 99_999)).padStart(5, '0')}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((res) => out.end(res));
  return rows;
}
