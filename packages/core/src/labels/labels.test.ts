import { describe, expect, it } from 'vitest';
import { isOutpaceError } from '../errors.js';
import { resolveKeyword } from '../lists/keywords.js';
import { createLabeler, defaultOtherName, parseLabels, validateLabels } from './labels.js';

describe('createLabeler', () => {
  const labeler = createLabeler({ labels: { other21: 'Balance', other3: ' Due Date ' } });

  it('names Other fields by label, or OtherN without one', () => {
    expect(labeler.labelOf('other21')).toBe('Balance');
    expect(labeler.labelOf('other3')).toBe('Due Date');
    expect(labeler.labelOf('other2')).toBe('Other2');
    expect(labeler.keys).toEqual(['other3', 'other21']);
    expect(defaultOtherName('other999')).toBe('Other999');
  });

  it('maps names back to keys the way import headers do', () => {
    expect(labeler.keyOf('balance')).toBe('other21');
    expect(labeler.keyOf('DUE_DATE')).toBe('other3');
    expect(labeler.keyOf('Other7')).toBe('other7');
    expect(labeler.keyOf('First Name')).toBeUndefined();
    expect(labeler.keyOf('Nothing')).toBeUndefined();
    // Same answer as the importer's header resolution.
    expect(resolveKeyword('due-date', { other3: ' Due Date ' })).toBe('other3');
  });

  it('accepts a plain label map as well as a schema', () => {
    expect(createLabeler({ other1: 'Score' }).labelOf('other1')).toBe('Score');
    expect(createLabeler().labelOf('other1')).toBe('Other1');
  });
});

describe('validateLabels', () => {
  it('accepts distinct labels', () => {
    const result = validateLabels({ name: 'Collections', labels: { other1: 'Balance', other2: 'Due date' } });
    expect(result.success).toBe(true);
  });

  it('refuses labels that read the same, keywords and OtherN names, listing each', () => {
    const result = validateLabels({
      name: 'Clashes',
      labels: { other1: 'Balance', other2: 'balance', other3: 'first_name', other4: 'Other9', other5: 'Zip' },
    });
    expect(result.success).toBe(false);
    expect(result.issues.map((i) => i.path)).toEqual([
      ['labels', 'other2'],
      ['labels', 'other3'],
      ['labels', 'other4'],
      ['labels', 'other5'],
    ]);
    expect(result.issues[0]?.message).toBe(
      'Label "balance" (other2) reads the same as "Balance" (other1); labels must differ.',
    );
    expect(result.issues[1]?.message).toMatch(/header keyword for firstName/);
  });

  it('reports schema issues and throws VALIDATION_FAILED from parseLabels', () => {
    expect(validateLabels({ name: '', labels: { first: 'x' } }).issues.length).toBeGreaterThanOrEqual(2);
    try {
      parseLabels({ name: 'x', labels: { other1: 'State' } });
      expect.unreachable();
    } catch (error) {
      expect(isOutpaceError(error, 'VALIDATION_FAILED')).toBe(true);
    }
  });
});
