import { describe, expect, it } from 'vitest';
import { createId } from './ids.js';
import { createManualClock } from './ports/clock.js';

describe('createId', () => {
  it('makes unique, well-formed ids that sort by time', () => {
    const clock = createManualClock(Date.parse('2026-03-02T12:00:00Z'));
    const ids = new Set<string>();
    let previous = '';
    for (let i = 0; i < 10_000; i++) {
      if (i % 100 === 0) clock.advance(1);
      const id = createId('con', clock);
      expect(id).toMatch(/^con_[0-9a-hjkmnp-tv-z]{26}$/);
      if (i % 100 === 0) {
        expect(id > previous).toBe(true);
        previous = id;
      }
      ids.add(id);
    }
    expect(ids.size).toBe(10_000);
  });

  it('spreads the random part over the whole alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) for (const char of createId('x').slice(12)) seen.add(char);
    expect(seen.size).toBe(32);
  });
});
