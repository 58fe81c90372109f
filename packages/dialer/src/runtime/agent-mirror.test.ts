import { describe, expect, it } from 'vitest';
import { AgentMirror, interleaveByWeight } from './agent-mirror.js';

describe('interleaveByWeight', () => {
  it('takes records from lists in proportion to their weights, smoothly, and never from weight 0', () => {
    const perList = new Map([
      ['a', Array.from({ length: 100 }, (_, i) => `a${i}`)],
      ['b', Array.from({ length: 100 }, (_, i) => `b${i}`)],
      ['c', Array.from({ length: 100 }, (_, i) => `c${i}`)],
    ]);
    const weights = new Map([
      ['a', 75],
      ['b', 25],
      ['c', 0],
    ]);
    const order = interleaveByWeight(perList, weights, new Map(), 40);
    expect(order.filter((x) => x.startsWith('a'))).toHaveLength(30);
    expect(order.filter((x) => x.startsWith('b'))).toHaveLength(10);
    expect(order.some((x) => x.startsWith('c'))).toBe(false);
    // Smooth: never more than three a's in a row with weights 3:1.
    expect(order.join(',')).not.toMatch(/(a\d+,){4}/);
    // Each list keeps its own order.
    expect(order.filter((x) => x.startsWith('b'))).toEqual([
      'b0',
      'b1',
      'b2',
      'b3',
      'b4',
      'b5',
      'b6',
      'b7',
      'b8',
      'b9',
    ]);
  });

  it('carries credit across rounds so small rounds keep the proportion', () => {
    const credit = new Map<string, number>();
    const weights = new Map([
      ['a', 2],
      ['b', 1],
    ]);
    const picks: string[] = [];
    for (let round = 0; round < 30; round++) {
      const perList = new Map([
        ['a', ['a']],
        ['b', ['b']],
      ]);
      picks.push(...interleaveByWeight(perList, weights, credit, 1));
    }
    expect(picks.filter((p) => p === 'a')).toHaveLength(20);
  });

  it('gives the rest to the lists that still have records when one runs dry', () => {
    const order = interleaveByWeight(
      new Map([
        ['a', ['a0']],
        ['b', ['b0', 'b1', 'b2']],
      ]),
      new Map([
        ['a', 90],
        ['b', 10],
      ]),
      new Map(),
      10,
    );
    expect(order).toEqual(['a0', 'b0', 'b1', 'b2']);
  });
});

describe('AgentMirror', () => {
  it('lists ready agents longest idle first, skips reserved ones and clears a reservation on a state change', () => {
    const m = new AgentMirror();
    m.merge(
      'sales',
      [
        { id: 'a1', endpoint: 'sip:a1', state: 'ready' },
        { id: 'a2', endpoint: 'sip:a2', state: 'ready' },
        { id: 'a3', endpoint: 'sip:a3', state: 'paused' },
      ],
      0,
    );
    m.apply('a1', 'talk', 10);
    m.apply('a1', 'ready', 20);
    expect(m.ready('sales').map((a) => a.id)).toEqual(['a2', 'a1']);
    m.reserve('a2', 'call-1');
    expect(m.ready('sales').map((a) => a.id)).toEqual(['a1']);
    expect(m.counts('sales')).toMatchObject({ loggedIn: 3, ready: 1, reserved: 1, paused: 1 });
    m.unreserve('a2', 'other-call');
    expect(m.get('a2')?.reservedFor).toBe('call-1');
    expect(m.apply('a2', 'talk', 30)).toEqual({ previous: 'ready', since: 0 });
    expect(m.get('a2')?.reservedFor).toBeUndefined();
    expect(m.ready('other')).toEqual([]);
  });
});
