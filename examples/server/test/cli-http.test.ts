import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../src/auth/tokens.js';
import { runOutpace } from './support/cli.js';
import { createHarness, type Harness } from './support/harness.js';

// The CLI against an in-process server over HTTP (memory store), run as a child process.
let h: Harness;
let server: ServerType;
let url: string;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  h = await createHarness();
  server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const secret = generateToken('opk_');
  await h.identity.forTenant(h.tenants.a.id).createApiKey({
    name: 'cli test',
    role: 'supervisor',
    prefix: secret.slice(0, 10),
    secretHash: hashToken(secret),
    createdBy: h.tenants.a.users.admin.id,
  });
  env = { OUTPACE_API_KEY: secret };
  dir = await mkdtemp(join(tmpdir(), 'outpace-cli-http-'));
  await writeFile(
    join(dir, 'dnc.txt'),
    ['(212) 555-0101', '+1 305 555 0123', 'not a number', '212-555-0101'].join('\n'),
  );
  await writeFile(
    join(dir, 'leads.csv'),
    ['ClientID,FirstName,Device1', 'A1,Ana,(212) 555-0101', 'A2,Ben,(415) 555-0102', 'A3,Cy,'].join('\n'),
  );
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('outpace --server', () => {
  it('imports a suppression list and a contact list with rejects through the API, then exports the contacts', async () => {
    const [suppression, contacts] = await Promise.all([
      runOutpace(
        [
          '--server',
          url,
          'import',
          join(dir, 'dnc.txt'),
          '--suppression',
          '--name',
          'DNC',
          '--rejects',
          join(dir, 'dnc-rejects.txt'),
        ],
        { env },
      ),
      runOutpace(['--server', url, 'import', join(dir, 'leads.csv'), '--name', 'Leads', '--json'], { env }),
    ]);
    expect(suppression.code, suppression.stderr).toBe(0);
    expect(suppression.stdout).toMatch(/2 accepted, 2 rejected of 4 lines/);
    expect(await readFile(join(dir, 'dnc-rejects.txt'), 'utf8')).toBe('not a number\r\n212-555-0101\r\n');
    const t = h.store.forTenant(h.tenants.a.id);
    const dnc = (await t.suppression.listLists()).items.find((l) => l.name === 'DNC')!;
    expect((await t.suppression.listEntries(dnc.id)).items.map((e) => e.value).sort()).toEqual([
      '+12125550101',
      '+13055550123',
    ]);
    // Nothing reached the other tenant.
    expect((await h.store.forTenant(h.tenants.b.id).suppression.listLists()).items).toEqual([]);

    expect(contacts.code, contacts.stderr).toBe(0);
    const job = JSON.parse(contacts.stdout) as {
      state: string;
      acceptedLines: number;
      rejectedLines: number;
      listIds: string[];
    };
    expect(job).toMatchObject({ state: 'completed', acceptedLines: 2, rejectedLines: 1 });
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'list.import' });
    expect(audit.items[0]?.actor).toMatchObject({ kind: 'apiKey', label: 'cli test' });

    const exported = await runOutpace(['--server', url, 'export', job.listIds[0]!, '--delimiter', 'semicolon'], {
      env,
    });
    expect(exported.code, exported.stderr).toBe(0);
    const lines = exported.stdout.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^ClientID;FirstName;/);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(';')[0])
        .sort(),
    ).toEqual(['A1', 'A2']);
    expect(exported.stdout).toContain('+14155550102');
  }, 120_000);

  it("checks an attempt with the tenant's engine on the server", async () => {
    await h.store.forTenant(h.tenants.a.id).compliance.setSettings({ enabledPresets: ['us-states'] });
    const run = await runOutpace(
      ['--server', url, 'check', '305-555-0123', '--local', '2026-06-10T20:30', '--zone', 'America/New_York'],
      { env },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('BLOCKED  +13055550123 at 2026-06-11T00:30:00.000Z');
    expect(run.stdout).toContain('CONTACT_TIME us-states.fl.hours (US-FL America/New_York)');
    expect(run.stdout).toContain('next allowed: 2026-06-11T12:00:00.000Z');
  }, 120_000);

  it('refuses a missing or wrong API key, a bad URL and local-only options, with the fix', async () => {
    const [missing, wrong, badUrl, mixed, unknown] = await Promise.all([
      runOutpace(['--server', url, 'lists']),
      runOutpace(['--server', url, 'lists'], { env: { OUTPACE_API_KEY: 'opk_not-a-real-key' } }),
      runOutpace(['--server', 'localhost:3000', 'lists'], { env }),
      runOutpace(['--server', url, '--data-dir', dir, 'lists'], { env }),
      runOutpace(['--server', url, 'export', 'lst_not_here'], { env }),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('OUTPACE_API_KEY is not set');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('401 UNAUTHENTICATED');
    expect(wrong.stderr).toContain('Check OUTPACE_API_KEY');
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('--server "localhost:3000" must be an http:// or https:// URL');
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--data-dir applies to the local data folder, not to --server');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('404 LIST_NOT_FOUND');
  }, 120_000);
});
