import { RuleSchema } from '@outpace/compliance';
import { describe, expect, it } from 'vitest';
import { gridToWindows, parseGridForm, windowsToGrid } from './compliance-grid.js';
import { dayRuns, englishCompliance, ruleSentence } from './compliance-sentences.js';

describe('contact-time grid', () => {
  it('spreads windows over the week and folds them back to the same windows', () => {
    const windows = [
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, start: '08:00', end: '21:00' },
      { days: ['sat'] as const, start: '09:00', end: '17:00' },
    ].map((w) => ({ ...w, days: [...w.days] }));
    const grid = windowsToGrid(windows);
    expect(grid.sun).toEqual([]);
    expect(grid.sat).toEqual([{ start: '09:00', end: '17:00' }]);
    expect(gridToWindows(grid)).toEqual(windows);
  });

  it('names every bad cell: half a window, a bad time, an overnight window, an overlap', () => {
    const { grid, issues } = parseGridForm({
      'mon.0.start': '09:00',
      'tue.0.start': '9am',
      'tue.0.end': '17:00',
      'wed.0.start': '22:00',
      'wed.0.end': '06:00',
      'thu.0.start': '09:00',
      'thu.0.end': '12:00',
      'thu.1.start': '11:00',
      'thu.1.end': '13:00',
      'fri.0.start': '09:00',
      'fri.0.end': '24:00',
    });
    expect(issues.map((i) => [i.field, i.code])).toEqual([
      ['mon.0.end', 'partial'],
      ['tue.0.start', 'format'],
      ['wed.0.end', 'order'],
      ['thu.1.start', 'overlap'],
    ]);
    expect(grid.thu).toEqual([{ start: '09:00', end: '12:00' }]);
    expect(grid.fri).toEqual([{ start: '09:00', end: '24:00' }]);
  });
});

describe('rule sentences', () => {
  it('writes runs of days and a whole attempt-limit sentence', () => {
    expect(dayRuns(englishCompliance, ['mon', 'tue', 'wed', 'fri', 'sun'])).toBe('Mon–Wed, Fri, Sun');
    const rule = RuleSchema.parse({
      kind: 'attempt-limit',
      id: 'house.limit',
      name: 'Four a day',
      maxAttempts: 4,
      period: { type: 'elapsed', duration: { hours: 24 } },
      countBy: { callResults: ['Busy', 'NoAnswer'] },
      per: 'device',
      source: { citation: 'Tenant policy' },
      verification: 'verified',
    });
    expect(ruleSentence(englishCompliance, rule)).toBe(
      'Do not contact a device if 4 or more outbound attempts with results Busy, NoAnswer were made in the last 24 h, counted across every campaign.',
    );
  });
});
