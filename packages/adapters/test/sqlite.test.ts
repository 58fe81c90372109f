import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@outpace/adapters/sqlite';
import { describeStoreConformance } from './conformance/index.js';

describeStoreConformance('sqlite :memory:', async ({ clock }) => ({
  store: createSqliteStore({ filename: ':memory:', clock }),
}));

describeStoreConformance('sqlite file', async ({ clock }) => {
  const dir = mkdtempSync(join(tmpdir(), 'outpace-sqlite-'));
  return {
    store: createSqliteStore({ filename: join(dir, 'outpace.db'), clock }),
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
