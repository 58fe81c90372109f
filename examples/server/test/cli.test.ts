import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@outpace/adapters/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation } from '../src/cli/simulate.js';
import { runOutpace } from './support/cli.js';

// The CLI on a local data folder (SQLite through the server's bootstrap), run as a child process.
const CSV = [
  'ClientID,FirstName,LastName,Device1,zip',
  'C1,Ana,Alvarez,(212) 555-0101,10001',
  'C2,Ben,Brown,555-12,',
  'C3,Chloé,Chen,(415) 555-0102,94103',
  'C4,Dev,Dubois,+1 305 555 0123,33101',
  'C3,Dup,Licate,(617) 555-0104,02108',
].join('\n');

let dir: string;
let env: Record<string, string>;
const storeOf = () => createSqliteStore({ filename: join(dir, 'data', 'outpace.db') });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outpace-cli-'));
  await writeFile(join(dir, 'leads.csv'), `${CSV}\n`);
  env = {
    OUTPACE_DATA_DIR: join(dir, 'data'),
    OUTPACE_DEMO: 'false',
    OUTPACE_ADMIN_PASSWORD: 'cli-test-password-1234',
  };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('outpace on a local data folder', () => {
  let listId: string;

  it('imports a file into a new list, reports and saves the rejects, and audits the import as the CLI', async () => {
    const run = await runOutpace(
      ['import', join(dir, 'leads.csv'), '--name', 'Leads', '--rejects', join(dir, 'rejects.csv')],
      {
        env,
      },
    );
    expect(run.stderr).not.toContain('password');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/3 accepted, 2 rejected of 5 lines/);
    expect(run.stdout).toContain('line 3: Device1 "555-12"');
    expect(run.stdout).toContain('line 6:');
    expect(await readFile(join(dir, 'rejects.csv'), 'utf8')).toBe(
      'C2,Ben,Brown,555-12,\r\nC3,Dup,Licate,(617) 555-0104,02108\r\n',
    );

    const store = storeOf();
    try {
      const tenant = (await store.tenants.list()).items[0]!;
      const t = store.forTenant(tenant.id);
      const list = (await t.lists.list()).items.find((l) => l.name === 'Leads')!;
      listId = list.id;
      expect(run.stdout).toContain(list.id);
      const contacts = (await t.contacts.list(list.id)).items;
      expect(contacts.map((c) => [c.clientId, c.devices[0]?.value]).sort()).toEqual([
        ['C1', '+12125550101'],
        ['C3', '+14155550102'],
        ['C4', '+13055550123'],
      ]);
      const audit = await store.forTenant(tenant.id).identity.listAudit({ action: 'list.import' });
      expect(audit.items[0]?.actor).toMatchObject({ kind: 'system', id: 'cli' });
    } finally {
      await store.close();
    }
  }, 120_000);

  it('exports the list with an inline selection, and checks an attempt against the enabled presets', async () => {
    const selection = JSON.stringify({
      conditionSets: [{ conditions: [{ field: 'device', type: 'areaCode', operator: 'in', value: ['212', '305'] }] }],
    });
    const store = storeOf();
    try {
      const tenant = (await store.tenants.list()).items[0]!;
      await store.forTenant(tenant.id).compliance.setSettings({ enabledPresets: ['us-states'] });
    } finally {
      await store.close();
    }
    const [exported, late, morning] = await Promise.all([
      runOutpace(['export', listId, '--selection', selection, '--no-device-details', '--out', join(dir, 'out.csv')], {
        env,
      }),
      runOutpace(['check', '(305) 555-0123', '--local', '2026-06-10T20:30', '--zone', 'America/New_York', '--json'], {
        env,
      }),
      runOutpace(['check', '(305) 555-0123', '--at', '2026-06-10T14:00:00Z'], { env }),
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const lines = (await readFile(join(dir, 'out.csv'), 'utf8')).trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^ClientID,/);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(['C1', 'C4']);

    expect(late.code, late.stderr).toBe(0);
    const decision = JSON.parse(late.stdout) as Record<string, unknown>;
    expect(decision).toMatchObject({
      allowed: false,
      device: '+13055550123',
      atIso: '2026-06-11T00:30:00.000Z',
      nextAllowedAtIso: '2026-06-11T12:00:00.000Z',
      reasons: [expect.objectContaining({ code: 'CONTACT_TIME', rule: 'us-states.fl.hours', jurisdiction: 'US-FL' })],
    });
    expect(morning.code, morning.stderr).toBe(0);
    expect(morning.stdout).toMatch(/^ALLOWED {2}\+13055550123 at 2026-06-10T14:00:00.000Z/);
  }, 120_000);

  it('simulates a campaign with the dialer simulator and prints its figures', async () => {
    const run = await runOutpace(['simulate', '--agents', '8', '--hours', '1', '--seed', '5', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as ReturnType<typeof runSimulation>;
    const expected = runSimulation({
      mode: 'predictive',
      agents: 8,
      hours: 1,
      warmupMinutes: 30,
      seed: 5,
      mix: { live: 0.25, machine: 0.2, noAnswer: 0.45, busy: 0.1 },
      talkSeconds: 100,
      wrapSeconds: 20,
      targetAbandonRate: 0.03,
      linesPerAgent: 1,
    });
    expect(printed).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(printed.dials).toBeGreaterThan(0);
    expect(printed.occupancy).toBeGreaterThan(0);
  }, 120_000);

  it('refuses bad arguments with exit code 2, naming the value and the fix, and changes nothing', async () => {
    const runs = await Promise.all([
      runOutpace(['simulate', '--agents', 'twenty']),
      runOutpace(['check', '(305) 555-0123', '--local', '2026-06-10T20:30'], { env }),
      runOutpace(['import', join(dir, 'missing.csv')], { env }),
      runOutpace(['import', join(dir, 'leads.csv'), '--mode', 'SOMETIMES'], { env }),
    ]);
    const [agents, local, missing, mode] = runs;
    for (const run of runs) expect(run.code, run.stderr).toBe(2);
    expect(agents!.stderr).toContain(
      "argument 'twenty' is invalid. Write a whole number from 1 to 10000, e.g. --agents 20.",
    );
    expect(local!.stderr).toContain('--local and --zone go together');
    expect(missing!.stderr).toContain(`File "${join(dir, 'missing.csv')}" does not exist`);
    expect(mode!.stderr).toContain(
      "argument 'SOMETIMES' is invalid. Use one of CREATE, APPEND_ONLY, APPEND_AND_UPDATE, FLUSH_APPEND.",
    );

    // An unknown list is the service's error, exit code 1.
    const unknown = await runOutpace(['export', 'lst_unknown'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('LIST_NOT_FOUND');
    const store = storeOf();
    try {
      const tenant = (await store.tenants.list()).items[0]!;
      expect((await store.forTenant(tenant.id).lists.list()).items.map((l) => l.name)).toEqual(['Leads']);
    } finally {
      await store.close();
    }
  }, 120_000);
});
