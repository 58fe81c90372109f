import { describe, expect, it, vi } from 'vitest';
import { createFakeStores } from '../../test/fake-stores.js';
import { makeZip } from '../../test/zip.js';
import { importContacts } from './import-contacts.js';

// exceljs is an optional peer of @outpace/core: simulate an install without it.
vi.mock('exceljs', () => {
  throw new Error("Cannot find package 'exceljs'");
});

describe('XLSX without exceljs', () => {
  it('fails with an error naming the package to install, storing nothing', async () => {
    const stores = createFakeStores();
    const workbook = makeZip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'xl/workbook.xml', data: '<workbook/>' },
    ]);
    const failure = importContacts({ stores, input: workbook, fileName: 'leads.xlsx' });
    await expect(failure).rejects.toMatchObject({
      code: 'LIST_DEPENDENCY_MISSING',
      details: { package: 'exceljs' },
      message: expect.stringContaining('npm install exceljs'),
    });
    expect(stores.allLists()).toEqual([]);
    expect([...stores.jobs.values()][0]).toMatchObject({ state: 'failed', error: { code: 'LIST_DEPENDENCY_MISSING' } });
  });
});
