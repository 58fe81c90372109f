import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'outpace-lease-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lease and takeover settings', () => {
  it('default to a 6 s lease renewed every 2 s, a scan every second and a 20 s drain', () => {
    const config = loadConfig({ OUTPACE_DATA_DIR: dir });
    expect(config).toMatchObject({
      OUTPACE_LEASE_TTL_MS: 6000,
      OUTPACE_LEASE_RENEW_MS: 2000,
      OUTPACE_ORPHAN_SCAN_MS: 1000,
      OUTPACE_DRAIN_TIMEOUT_MS: 20_000,
    });
  });

  it('reads them from the environment', () => {
    const config = loadConfig({
      OUTPACE_DATA_DIR: dir,
      OUTPACE_LEASE_TTL_MS: '30000',
      OUTPACE_LEASE_RENEW_MS: '10000',
      OUTPACE_ORPHAN_SCAN_MS: '500',
      OUTPACE_DRAIN_TIMEOUT_MS: '0',
    });
    expect(config).toMatchObject({
      OUTPACE_LEASE_TTL_MS: 30_000,
      OUTPACE_LEASE_RENEW_MS: 10_000,
      OUTPACE_ORPHAN_SCAN_MS: 500,
      OUTPACE_DRAIN_TIMEOUT_MS: 0,
    });
  });

  it('stops the start on a renewal slower than a third of the lease, naming both settings and the fix', () => {
    const env = { OUTPACE_DATA_DIR: dir, OUTPACE_LEASE_TTL_MS: '6000', OUTPACE_LEASE_RENEW_MS: '2500' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(
      /OUTPACE_LEASE_RENEW_MS = 2500: .*OUTPACE_LEASE_TTL_MS \(6000\).*lower it to 2000/,
    );
  });

  it('stops the start on a value that is not a number of milliseconds, naming the variable', () => {
    expect(() => loadConfig({ OUTPACE_DATA_DIR: dir, OUTPACE_LEASE_TTL_MS: 'soon' })).toThrow(
      /OUTPACE_LEASE_TTL_MS = "soon"/,
    );
    expect(() => loadConfig({ OUTPACE_DATA_DIR: dir, OUTPACE_ORPHAN_SCAN_MS: '10' })).toThrow(
      /OUTPACE_ORPHAN_SCAN_MS = "10"/,
    );
    expect(() => loadConfig({ OUTPACE_DATA_DIR: dir, OUTPACE_DRAIN_TIMEOUT_MS: '-1' })).toThrow(
      /OUTPACE_DRAIN_TIMEOUT_MS = "-1"/,
    );
  });
});
