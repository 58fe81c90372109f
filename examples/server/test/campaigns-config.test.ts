import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createVirtualClock } from '@outpace/dialer/sim';
import { describe, expect, it } from 'vitest';
import { createSimulatedPortsFactory, parseSimAgents } from '../src/campaign-ports.js';
import { ConfigError, loadConfig } from '../src/config.js';

describe('simulated agents configuration', () => {
  it('reads a count for every agent group and group=count pairs', () => {
    expect(parseSimAgents('5')).toEqual({ defaultAgents: 5, agentsByGroup: {} });
    expect(parseSimAgents('3, sales=12,support=0')).toEqual({
      defaultAgents: 3,
      agentsByGroup: { sales: 12, support: 0 },
    });
    expect(() => parseSimAgents('5,sales=lots')).toThrow(/"sales=lots".*e\.g\. "5"/);
  });

  it('stops the start on a bad OUTPACE_SIM_AGENTS, naming it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'outpace-config-'));
    try {
      expect(() => loadConfig({ OUTPACE_DATA_DIR: dir, OUTPACE_SIM_AGENTS: 'many' })).toThrow(ConfigError);
      expect(() => loadConfig({ OUTPACE_DATA_DIR: dir, OUTPACE_SIM_AGENTS: 'many' })).toThrow(
        /OUTPACE_SIM_AGENTS = "many": Write an agent count/,
      );
      expect(loadConfig({ OUTPACE_DATA_DIR: dir, OUTPACE_SIM_AGENTS: '2,sales=7' }).OUTPACE_SIM_AGENTS).toBe(
        '2,sales=7',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('staffs each agent group with its own simulated team', async () => {
    const clock = createVirtualClock(0);
    const factory = createSimulatedPortsFactory({ defaultAgents: 2, agentsByGroup: { sales: 4 } });
    const ports = await factory({
      tenantId: 'ten_1',
      clock,
      logger: { debug() {}, info() {}, warn() {}, error() {}, child: () => ports as never },
    });
    const sales = await ports.agents.list('sales');
    const support = await ports.agents.list('support');
    expect(sales.map((a) => a.id)).toEqual(['sales-agent-1', 'sales-agent-2', 'sales-agent-3', 'sales-agent-4']);
    expect(support.map((a) => a.state)).toEqual(['ready', 'ready']);
    // Deliveries reach the team that owns the agent; an unknown agent is an error naming it.
    await ports.agents.deliver('support-agent-2', { callId: 'c1' } as never);
    await expect(ports.agents.deliver('nobody', { callId: 'c2' } as never)).rejects.toThrow(/"nobody"/);
    await ports.close();
  });
});
