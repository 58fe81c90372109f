import { OutpaceError } from '../../errors.js';
import { type ContactPredicate, compileSelection, readContactField } from '../../rules/evaluate.js';
import type { NewContact } from '../../schemas/contact.js';
import type { Selection, Split } from '../../schemas/list-rule.js';

/** A target list of an import: its key and the name it gets when created. */
export interface RouteTarget {
  key: string;
  name: string;
}

export interface UploadRouterOptions {
  /** The upload rule's split; undefined loads everything into one list. */
  split?: Split | undefined;
  /** Upload rule name (remainder lists and `%s` of the remainder). */
  ruleName?: string | undefined;
  /** Output name pattern: `{name}` base name, `%d` part number, `%s` split value or rule name. */
  outputName: string;
  baseName: string;
  /** Filter applied before splitting; unselected contacts are filtered out. */
  filter?: Selection | undefined;
  maxSplitLists: number;
  /** Total routable contacts, for percent splits (from a counting pass). */
  total?: number | undefined;
}

/** Sends each contact to its target list (creating targets as they appear), or filters it out. */
export interface UploadRouter {
  /** The target of a contact, or undefined when the filter (or a waterfall without remainder) drops it. */
  route(contact: NewContact): RouteTarget | undefined;
  /** True when the contact passes the filter (counting pass). */
  selects(contact: NewContact): boolean;
  readonly targets: ReadonlyMap<string, RouteTarget>;
}

/**
 * Compiles an upload rule into a router. Splits: `quantity` (N per list, the
 * last holds the rest), `percent` (in order, by the share of routable
 * contacts; the rest goes to a remainder list), `field` (one list per distinct
 * value, in order of appearance), `rules` (waterfall: the first matching
 * selection wins; the rest goes to a remainder list when enabled). Creating
 * more than `maxSplitLists` lists throws `LIST_SPLIT_LIMIT`.
 */
export function createUploadRouter(o: UploadRouterOptions): UploadRouter {
  const filter: ContactPredicate | undefined = o.filter ? compileSelection(o.filter) : undefined;
  const targets = new Map<string, RouteTarget>();
  const names = new Set<string>();
  const split = o.split;
  const nameOf = (part: number, value: string): string => {
    let name = o.outputName.replaceAll('{name}', o.baseName).replaceAll('%d', String(part)).replaceAll('%s', value);
    name = name.trim().slice(0, 120) || `${o.baseName}_${part}`;
    let unique = name;
    for (let n = 2; names.has(unique); n++) unique = `${name} (${n})`;
    names.add(unique);
    return unique;
  };
  const target = (key: string, part: number, value: string): RouteTarget => {
    let t = targets.get(key);
    if (!t) {
      if (targets.size >= o.maxSplitLists) {
        throw new OutpaceError(
          'LIST_SPLIT_LIMIT',
          `The upload rule would create more than ${o.maxSplitLists} lists (the tenant's maximum number of split lists); nothing was stored. Use a coarser split or raise maxSplitLists.`,
          { details: { maxSplitLists: o.maxSplitLists, key } },
        );
      }
      t = { key, name: split ? nameOf(part, value) : o.baseName };
      targets.set(key, t);
    }
    return t;
  };
  let routed = 0;
  let route: (c: NewContact) => RouteTarget | undefined;
  if (!split) {
    route = () => target('main', 1, '');
  } else if (split.by === 'quantity') {
    route = () => {
      const part = Math.floor(routed++ / split.size) + 1;
      return target(`part:${part}`, part, String(part));
    };
  } else if (split.by === 'percent') {
    if (o.total === undefined) throw new Error('percent splits need the total from a counting pass');
    const bounds: number[] = [];
    let cumulative = 0;
    for (const p of split.percents) {
      cumulative += p;
      bounds.push(Math.round((o.total * Math.min(cumulative, 100)) / 100));
    }
    route = () => {
      const k = routed++;
      for (let i = 0; i < bounds.length; i++) if (k < bounds[i]!) return target(`part:${i + 1}`, i + 1, String(i + 1));
      const part = bounds.length + 1;
      return target('remainder', part, o.ruleName ?? 'remainder');
    };
  } else if (split.by === 'field') {
    const field = split.field;
    const read = /^device(\d+)?$/.test(field)
      ? (c: NewContact) => {
          const n = field === 'device' ? undefined : Number(field.slice(6));
          const d = n === undefined ? c.devices[0] : c.devices.find((x) => x.index === n);
          return d?.value ?? '';
        }
      : (c: NewContact) => readContactField(c, field).trim();
    route = (c) => {
      const value = read(c);
      const key = `value:${value}`;
      const existing = targets.get(key);
      return existing ?? target(key, targets.size + 1, value === '' ? 'empty' : value);
    };
  } else {
    const rules = split.rules.map((r) => ({ name: r.name, test: compileSelection(r.selection) }));
    const remainder = split.remainder;
    route = (c) => {
      for (let i = 0; i < rules.length; i++) {
        if (rules[i]!.test(c)) return target(`rule:${i}`, i + 1, rules[i]!.name);
      }
      return remainder ? target('remainder', rules.length + 1, o.ruleName ?? 'remainder') : undefined;
    };
  }
  return {
    targets,
    selects: (c) => filter === undefined || filter(c),
    route: (c) => (filter !== undefined && !filter(c) ? undefined : route(c)),
  };
}
