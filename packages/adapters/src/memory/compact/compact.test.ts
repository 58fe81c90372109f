import type { Contact, Device, NewContact } from '@outpace/core';
import { createId, createManualClock } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { createObjectContactTable, createObjectStaging } from '../object-table.js';
import { Arena, CHUNK_STRIDE, offsetOf } from './arena.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { ClientIdIndex } from './client-id-index.js';
import { CompactStaging } from './compact-staging.js';
import { CompactContactTable } from './compact-table.js';
import { decodeContact, encodeContact, writeHeader } from './contact-codec.js';
import { createContactDictionary } from './dictionary.js';
import { packId } from './record-id.js';
import { StampTable } from './stamps.js';

const clock = createManualClock(Date.parse('2026-03-02T12:00:00Z'));

function nanp(index: number, number: string, raw?: string): Device {
  return {
    index,
    type: 'mobile',
    value: `+1${number}`,
    ...(raw === undefined ? {} : { raw }),
    countryCallingCode: '1',
    countryIso: 'US',
    areaCode: number.slice(0, 3),
    exchange: number.slice(3, 6),
    region: 'NY',
    timeZone: 'America/New_York',
    timeZoneSource: 'phone-exchange',
    international: false,
  };
}

/** Contacts that stress every branch of the encoding. */
const awkward: NewContact[] = [
  { others: {}, devices: [], location: {} },
  {
    clientId: '',
    firstName: '',
    others: { other1: '', other999: 'x'.repeat(1024) },
    devices: [{ index: 10, type: 'pager', value: '+' }],
    location: { source: 'default' },
  },
  {
    clientId: 'ÜNÏCÖDÉ-😀',
    firstName: 'Ωμέγα',
    lastName: 'a'.repeat(43),
    company: 'ä'.repeat(64),
    postalCode: 'SW1A 1AA',
    state: 'ENG',
    country: 'GB',
    timeZone: 'Europe/London',
    originalRecord: `${'é'.repeat(200)},"quoted",\u0000`,
    others: { other2: 'ß'.repeat(30), other20: '12' },
    devices: [
      {
        index: 1,
        type: 'home',
        value: '+442071234567',
        raw: '020 7123 4567',
        countryCallingCode: '44',
        countryIso: 'GB',
        areaCode: '20',
        region: 'ENG',
        international: true,
      },
      { index: 2, type: 'work', value: '+1234567890123456789012345678901', raw: 'x'.repeat(41) },
      { index: 3, type: 'email', value: 'ana@example.com', raw: 'ANA@example.com' },
      { index: 4, type: 'mobile', value: '+12125550123', raw: '212 555 9999', areaCode: '212', exchange: '555' },
      {
        index: 5,
        type: 'mobile',
        value: '+12125550124',
        raw: 'tel:\u0000 2125550124',
        areaCode: '999',
        exchange: '555',
      },
      {
        index: 6,
        type: 'business_with_ext',
        value: '+12125550125',
        raw: '(212) 555-0125 ext. 7',
        extension: '7',
        areaCode: '212',
      },
      { index: 7, type: 'voicemail', value: '+123', international: false },
      { index: 8, type: 'vacation', value: '+1', timeZoneSource: 'on-error' },
    ],
    location: { country: 'GB', region: 'ENG', timeZone: 'Europe/London', source: 'phone-area-code' },
  },
  {
    clientId: 'C1',
    devices: [
      nanp(1, '2125550100', '(212) 555-0100'),
      nanp(2, '6465550101', '+1 646 555 0101'),
      nanp(3, '3055550102', '3055550102'),
    ],
    others: { other1: '1,234.50', other5: 'Gold' },
    location: { country: 'US', region: 'NY', timeZone: 'America/New_York', source: 'phone-exchange' },
  },
];

function roundTrip(contact: NewContact, dict = createContactDictionary()): Contact {
  const w = new ByteWriter(16);
  encodeContact(w, contact, dict);
  const id = createId('con', clock);
  const packed = Buffer.alloc(17);
  packId(id, packed, 0);
  const stamps = new StampTable();
  stamps.add(1, 2);
  writeHeader(w.buf, 0, packed, stamps.add(1234, 5678));
  return decodeContact(new ByteReader(w.buf, 0), dict, 'lst_x', stamps);
}

describe('compact contact encoding', () => {
  it('reads back every field exactly, whatever the value', () => {
    const dict = createContactDictionary();
    for (const contact of awkward) {
      const decoded = roundTrip(contact, dict);
      const { id, listId, createdAt, updatedAt, ...rest } = decoded;
      expect(rest).toStrictEqual(contact);
      expect([listId, createdAt, updatedAt]).toEqual(['lst_x', 1234, 5678]);
      expect(id).toMatch(/^con_[0-9a-z]{26}$/);
    }
  });

  it('stores values inline once a dictionary is full', () => {
    const dict = createContactDictionary();
    for (let i = 0; i < 4200; i++) {
      // Each raw layout is new (a different number of leading dashes).
      const contact: NewContact = {
        others: {},
        devices: [nanp(1, '2125550100', `${'-'.repeat(i % 40)}${i >= 40 ? `#${i}` : ''}2125550100`.slice(0, 40))],
        location: {},
      };
      expect(roundTrip(contact, dict).devices).toStrictEqual(contact.devices);
    }
  });

  it('keeps a short contact with three devices under 200 bytes', () => {
    const w = new ByteWriter();
    encodeContact(w, awkward[3]!, createContactDictionary());
    expect(w.pos).toBeLessThan(200);
  });
});

describe('ClientIdIndex', () => {
  it('finds, replaces and removes keys like a Map, through growth and backward-shift deletion', () => {
    const arena = new Arena();
    const index = new ClientIdIndex(arena);
    const dict = createContactDictionary();
    const w = new ByteWriter();
    const refs = new Map<string, number>();
    const add = (clientId: string) => {
      w.reset();
      encodeContact(w, { clientId, others: {}, devices: [], location: {} }, dict);
      const ref = arena.append(w.buf, w.pos);
      index.add(ref);
      refs.set(clientId, ref);
    };
    let seed = 7;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let step = 0; step < 20_000; step++) {
      const key = `K${random(3000)}`;
      if (refs.has(key)) {
        if (random(2) === 0) {
          expect(index.remove(refs.get(key)!)).toBe(true);
          refs.delete(key);
        } else {
          const old = refs.get(key)!;
          w.reset();
          encodeContact(w, { clientId: key, firstName: 'again', others: {}, devices: [], location: {} }, dict);
          const ref = arena.append(w.buf, w.pos);
          index.replace(old, ref);
          refs.set(key, ref);
        }
      } else {
        add(key);
      }
    }
    expect(index.size).toBe(refs.size);
    for (let k = 0; k < 3000; k++) {
      const key = `K${k}`;
      expect(index.find(Buffer.from(key))).toBe(refs.get(key));
    }
  });
});

describe('Arena', () => {
  it('grows chunks and holds records larger than a chunk', () => {
    const arena = new Arena();
    const small = Buffer.from('abc');
    const refs = Array.from({ length: 10_000 }, () => arena.append(small, 3));
    const big = Buffer.alloc(CHUNK_STRIDE + 10, 7);
    const bigRef = arena.append(big, big.length);
    expect(offsetOf(bigRef)).toBe(0);
    expect(arena.chunk(bigRef).subarray(0, big.length).equals(big)).toBe(true);
    const after = arena.append(small, 3);
    expect(arena.chunk(after).toString('utf8', offsetOf(after), offsetOf(after) + 3)).toBe('abc');
    for (const ref of refs.slice(-5))
      expect(arena.chunk(ref).toString('utf8', offsetOf(ref), offsetOf(ref) + 3)).toBe('abc');
  });
});

describe('CompactContactTable', () => {
  const contactFor = (n: number, variant = 0): NewContact => ({
    clientId: `C${n}`,
    firstName: `F${n}-${variant}`,
    others: { other1: 'y'.repeat(300 + variant) },
    devices: [
      nanp(1, `212555${String(n % 10_000).padStart(4, '0')}`, `(212) 555-${String(n % 10_000).padStart(4, '0')}`),
    ],
    location: {},
  });

  it('behaves like the plain-object table under random puts, deletes, loads and clears (with compaction)', () => {
    const dict = createContactDictionary();
    const compact = new CompactContactTable('lst_t', dict);
    const model = createObjectContactTable('lst_t');
    let seed = 3;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 40; round++) {
      const action = random(10);
      if (action < 4) {
        // Single puts: new contacts and replacements (sometimes renaming the ClientID).
        for (let i = 0; i < 50; i++) {
          const n = random(400);
          const id = model.idOfClientId(`C${n}`);
          const now = clock.now();
          const existing = id === undefined ? undefined : model.get(id);
          const contact: Contact = existing
            ? {
                ...contactFor(model.idOfClientId(`C${n + 1000}`) ? n : n + 1000, round),
                id: existing.id,
                listId: 'lst_t',
                createdAt: existing.createdAt,
                updatedAt: now,
              }
            : { ...contactFor(n, round), id: createId('con', clock), listId: 'lst_t', createdAt: now, updatedAt: now };
          compact.put(contact);
          model.put(contact);
        }
      } else if (action < 6) {
        const ids = [...model.scan()].map((c) => c.id).filter(() => random(4) === 0);
        for (const id of ids) expect(compact.delete(id)).toBe(model.delete(id));
        expect(compact.delete('con_nothere')).toBe(false);
      } else if (action < 9) {
        const staging = new CompactStaging(dict);
        const plain = createObjectStaging();
        for (let i = 0; i < 300; i++) {
          const contact = contactFor(random(600), round);
          if (plain.hasClientId(contact.clientId!)) continue;
          staging.add(contact);
          plain.add(contact);
        }
        const ids: string[] = [];
        const newId = () => {
          ids.push(createId('con', clock));
          return ids.at(-1)!;
        };
        const replaceExisting = random(2) === 0;
        const now = clock.now();
        const loaded = compact.load(staging, { replaceExisting, now, newId });
        let next = 0;
        expect(model.load(plain, { replaceExisting, now, newId: () => ids[next++]! })).toEqual(loaded);
      } else if (round > 30) {
        compact.clear();
        model.clear();
      }
      clock.advance(1000);
      expect(compact.size).toBe(model.size);
      expect([...compact.scan()]).toStrictEqual([...model.scan()]);
      for (let n = 0; n < 1400; n += 37) {
        const id = model.idOfClientId(`C${n}`);
        expect(compact.idOfClientId(`C${n}`)).toBe(id);
        if (id !== undefined) expect(compact.get(id)).toStrictEqual(model.get(id));
      }
    }
  });

  it('rewrites its arena when most of it is garbage, and reads stay correct', () => {
    const table = new CompactContactTable('lst_c', createContactDictionary());
    const now = clock.now();
    const ids = Array.from({ length: 2000 }, () => createId('con', clock));
    const version = (n: number, v: number): Contact => ({
      ...contactFor(n, v),
      others: { other1: 'z'.repeat(1000 + v) },
      id: ids[n]!,
      listId: 'lst_c',
      createdAt: now,
      updatedAt: now + v,
    });
    for (let v = 0; v < 3; v++) for (let n = 0; n < ids.length; n++) table.put(version(n, v));
    const stats = table.stats();
    expect(stats.compactions).toBeGreaterThan(0);
    expect(stats.records).toBe(2000);
    expect(stats.garbageBytes * 2).toBeLessThan(stats.arenaBytes + (1 << 20));
    for (let n = 0; n < ids.length; n += 97) {
      expect(table.get(ids[n]!)).toStrictEqual(version(n, 2));
      expect(table.idOfClientId(`C${n}`)).toBe(ids[n]);
    }
    expect([...table.scan()].map((c) => c.id)).toEqual([...ids].sort());
  });

  it('keeps a scan in id order while contacts are added and removed under it', () => {
    const table = new CompactContactTable('lst_s', createContactDictionary());
    const put = (n: number) => {
      const now = clock.now();
      const contact: Contact = {
        ...contactFor(n),
        id: createId('con', clock),
        listId: 'lst_s',
        createdAt: now,
        updatedAt: now,
      };
      table.put(contact);
      return contact.id;
    };
    const kept = Array.from({ length: 200 }, (_, n) => put(n)).sort();
    const seen: string[] = [];
    let extra = 1000;
    for (const contact of table.scan()) {
      seen.push(contact.id);
      put(extra++);
      const victim = [...table.scan()].find((c) => !kept.includes(c.id) && c.id !== contact.id);
      if (victim !== undefined) table.delete(victim.id);
    }
    expect(seen).toEqual([...seen].sort());
    for (const id of kept) expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('loading with ids that do not come in order', () => {
  it('sorts when the clock stands still for more ids than one group holds', () => {
    const stopped = createManualClock(Date.parse('2026-03-02T12:00:00Z'));
    const dict = createContactDictionary();
    const staging = new CompactStaging(dict);
    const total = 70_000;
    for (let n = 0; n < total; n++) staging.add({ clientId: `K${n}`, others: {}, devices: [], location: {} });
    const table = new CompactContactTable('lst_many', dict);
    const made: string[] = [];
    const result = table.load(staging, {
      replaceExisting: false,
      now: stopped.now(),
      newId: () => {
        made.push(createId('con', stopped));
        return made.at(-1)!;
      },
    });
    expect(result).toEqual({ inserted: total, updated: 0 });
    const ids = [...table.scan()].map((c) => c.id);
    expect(ids).toEqual([...made].sort());
    expect(table.idOfClientId('K69999')).toBe(table.get(table.idOfClientId('K69999')!)?.id);
  });
});
