import { describe, expect, it } from 'vitest';
import type { LocationResolver } from '../ports/location-resolver.js';
import { previewImport } from './preview-import.js';

describe('previewImport', () => {
  const resolver: LocationResolver = {
    dataVersions: {},
    resolve: (q) =>
      q.phone?.areaCode === '212'
        ? {
            status: 'resolved',
            candidates: [{ country: 'US', region: 'NY', timeZone: 'America/New_York', source: 'phone-exchange' }],
            timeZones: ['America/New_York'],
            dataVersions: {},
          }
        : { status: 'unresolved', candidates: [], timeZones: [], dataVersions: {} },
  };

  it('shows the detected format, the bound mapping and the first rows with devices, zones and issues', async () => {
    const lines = ['ClientID;First Name;Device1;cellPhone;Hobby'];
    for (let i = 1; i <= 20_000; i++)
      lines.push(
        `P${i};Ann;212-555-${String(100 + (i % 9000)).padStart(4, '0')};${i === 2 ? 'bad' : '8005550100'};chess`,
      );
    let chunks = 0;
    async function* input() {
      for (let i = 0; i < lines.length; i += 100) {
        chunks++;
        yield Buffer.from(`${lines.slice(i, i + 100).join('\r\n')}\r\n`, 'latin1');
      }
    }
    const preview = await previewImport({
      input: input(),
      fileName: 'leads.csv',
      rows: 3,
      locationResolver: resolver,
      settings: { defaultTimeZone: 'America/Chicago' },
    });
    expect(preview.input).toMatchObject({ container: 'none', format: 'delimited', encoding: 'utf-8', delimiter: ';' });
    expect(preview.mapping.fields.map((f) => [f.label, f.target])).toEqual([
      ['ClientID', 'clientId'],
      ['First Name', 'firstName'],
      ['Device1', 'device1'],
      ['cellPhone', 'cellPhone'],
    ]);
    expect(preview.mapping.unmappedColumns).toEqual(['Hobby']);
    expect(preview.rows).toHaveLength(3);
    expect(preview.rows[0]).toMatchObject({
      line: 2,
      accepted: true,
      fields: ['P1', 'Ann', '212-555-0101', '8005550100', 'chess'],
      contact: { clientId: 'P1', devices: [{ value: '+12125550101', raw: '212-555-0101' }, { value: '+18005550100' }] },
      timeZones: [
        { of: 'contact', timeZone: 'America/Chicago', source: 'default' },
        { of: 'device1', value: '+12125550101', timeZone: 'America/New_York', source: 'phone-exchange' },
        { of: 'device3', value: '+18005550100', timeZone: 'America/Chicago', source: 'default' },
      ],
    });
    expect(preview.rows[1]!.issues).toEqual([expect.objectContaining({ code: 'DEVICE_INVALID', field: 'cellPhone' })]);
    expect(chunks).toBeLessThan(lines.length / 200); // stopped reading early
  });

  it('rejects a bad spec file as an import would', async () => {
    await expect(
      previewImport({ input: Buffer.from('a,b\n'), mapping: { kind: 'spec', text: 'Option: FixedWidth none' } }),
    ).rejects.toMatchObject({ code: 'LIST_SPEC_INVALID', details: { line: 1 } });
  });
});
