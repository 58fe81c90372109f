import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';

describe('GET /api/v1/health', () => {
  it('reports ok with the package versions', async () => {
    const { app } = await createHarness();
    const res = await app.request('/api/v1/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; versions: Record<string, string> };
    expect(body.status).toBe('ok');
    expect(body.versions.core).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.versions.node).toBe(process.versions.node);
  });
});
