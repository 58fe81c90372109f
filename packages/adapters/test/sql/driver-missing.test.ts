import { afterEach, describe, expect, it, vi } from 'vitest';

describe('drivers are optional peers, loaded on first use', () => {
  afterEach(() => {
    vi.doUnmock('better-sqlite3');
    vi.doUnmock('pg');
    vi.resetModules();
  });

  it('names better-sqlite3 when it is missing, at first use rather than import', async () => {
    vi.doMock('better-sqlite3', () => {
      throw new Error("Cannot find package 'better-sqlite3'");
    });
    const { createSqliteStore } = await import('@outpace/adapters/sqlite');
    const store = createSqliteStore({ filename: ':memory:' });
    await expect(store.tenants.list()).rejects.toMatchObject({
      code: 'ADAPTER_DRIVER_MISSING',
      message: expect.stringContaining('npm install better-sqlite3'),
    });
    await store.close();
  });

  it('names pg when it is missing', async () => {
    vi.doMock('pg', () => {
      throw new Error("Cannot find package 'pg'");
    });
    const { createPostgresStore } = await import('@outpace/adapters/postgres');
    const store = createPostgresStore({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    await expect(store.tenants.list()).rejects.toMatchObject({
      code: 'ADAPTER_DRIVER_MISSING',
      message: expect.stringContaining('npm install pg'),
    });
    await store.close();
  });
});
