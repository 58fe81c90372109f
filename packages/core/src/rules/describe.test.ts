import { describe, expect, it } from 'vitest';
import { describeSelection } from './describe.js';

describe('describeSelection', () => {
  it('reads a selection as one sentence, naming Other fields by their labels', () => {
    const text = describeSelection(
      {
        conditionSets: [
          {
            conditions: [
              { field: 'state', operator: 'equal', value: 'FL' },
              { field: 'other3', type: 'numeric', operator: 'greaterThan', value: 100 },
            ],
          },
          { conditions: [{ field: 'device', type: 'areaCode', operator: 'in', value: ['212', '646'] }] },
        ],
      },
      { labels: { other3: 'Balance' } },
    );
    expect(text).toBe(
      "Contacts whose state is FL and whose Balance is greater than 100, or whose any device's area code is one of 212, 646",
    );
  });

  it('falls back to OtherN without a label, and describes emptiness, devices and ordering', () => {
    const text = describeSelection({
      conditionSets: [
        {
          conditions: [
            { field: 'other21', operator: 'isEmpty' },
            { field: 'device2', operator: 'notContains', value: 'a b' },
            { field: 'clientId', operator: 'notIn', value: ['A1', ''] },
          ],
        },
      ],
      orderBy: [{ field: 'lastName' }, { field: 'clientId', direction: 'desc' }],
    });
    expect(text).toBe(
      `Contacts whose Other21 is empty and whose device 2's number or address does not contain "a b" and whose ClientID is none of A1, "", sorted by last name (ascending), then ClientID (descending)`,
    );
  });

  it('says "All contacts" for an empty selection', () => {
    expect(describeSelection({})).toBe('All contacts');
  });

  it('throws LIST_RULE_INVALID for an invalid selection', () => {
    expect(() =>
      describeSelection({ conditionSets: [{ conditions: [{ field: 'nope', operator: 'equal' }] }] }),
    ).toThrow(/selection rule is not valid/);
  });
});
