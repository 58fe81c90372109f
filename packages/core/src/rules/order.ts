import type { SelectionInput } from '../schemas/list-rule.js';
import type { SelectableContact } from './evaluate.js';
import { readContactField } from './evaluate.js';
import { parseSelection } from './validate.js';
import { compareCodePoints, foldValue } from './values.js';

/** A contact's sort position under a selection's `orderBy`: the folded key values, then the id. */
export interface SortPosition {
  keys: string[];
  id: string;
}

/** A compiled `orderBy`. */
export interface ContactOrder {
  /** True when the selection orders by something; otherwise contacts stay in id order. */
  readonly ordered: boolean;
  /** Number of sort keys (the length of `keys(contact)`). */
  readonly width: number;
  /** The sort keys of a contact. */
  keys(contact: SelectableContact): string[];
  /** Compares two positions: by each key in its direction, then by id ascending. */
  compare(a: SortPosition, b: SortPosition): number;
}

/**
 * Compiles a selection's `orderBy`. Each key is the field's string value as
 * conditions read it (trimmed, lower-cased; `''` when missing), compared by
 * code point (SQL `COLLATE "C"`); `deviceN` sorts by that device's value and
 * `device` by the first device of the chain. Ties break on the contact id,
 * always ascending, so keyset paging is stable.
 *
 * @example
 * const order = compileOrder({ orderBy: [{ field: 'lastName' }] });
 * contacts.sort((a, b) => order.compare({ keys: order.keys(a), id: a.id }, { keys: order.keys(b), id: b.id }));
 */
export function compileOrder(selection: SelectionInput): ContactOrder {
  const { orderBy } = parseSelection(selection);
  const readers = orderBy.map(({ field }) => {
    if (field === 'device') return (c: SelectableContact) => c.devices[0]?.value ?? '';
    if (field.startsWith('device')) {
      const index = Number(field.slice('device'.length));
      return (c: SelectableContact) => c.devices.find((d) => d.index === index)?.value ?? '';
    }
    return (c: SelectableContact) => readContactField(c, field);
  });
  const signs = orderBy.map((o) => (o.direction === 'desc' ? -1 : 1));
  return {
    ordered: orderBy.length > 0,
    width: orderBy.length,
    keys: (contact) => readers.map((read) => foldValue(read(contact))),
    compare(a, b) {
      for (let i = 0; i < signs.length; i++) {
        const diff = compareCodePoints(a.keys[i] ?? '', b.keys[i] ?? '');
        if (diff !== 0) return diff * (signs[i] as number);
      }
      return compareCodePoints(a.id, b.id);
    },
  };
}
