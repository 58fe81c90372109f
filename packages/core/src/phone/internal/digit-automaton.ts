/**
 * A tiny regular-expression compiler for the digit patterns of libphonenumber's
 * metadata (`[2-9]\d{9}`, `(?:268|[58]\d\d)\d{7}`, …). It turns many patterns at
 * once into ONE deterministic automaton over the digits 0–9, so classifying a
 * national number is ten array look-ups instead of dozens of RegExp runs.
 *
 * Supported syntax: digits, `\d`, character classes with ranges (`[02-57-9]`,
 * negated `[^…]`), groups `(…)` / `(?:…)`, alternation `|`, and the quantifiers
 * `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`. Anything else throws, so a metadata
 * update that uses new syntax fails loudly when the table is built (and the
 * property test), never silently.
 */

const ALL_DIGITS = 0x3ff;

interface NfaNode {
  /** Epsilon successors. */
  eps: number[];
  /** Digit mask (bit d set = digit d) of the single labelled transition, 0 when none. */
  mask: number;
  next: number;
}

type Ast =
  | { t: 'class'; mask: number }
  | { t: 'seq'; items: Ast[] }
  | { t: 'alt'; options: Ast[] }
  | { t: 'rep'; item: Ast; min: number; max: number };

function parse(pattern: string): Ast {
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`Unsupported digit pattern /${pattern}/ at ${pos}: ${why}`);
  };
  const parseAlt = (): Ast => {
    const options: Ast[] = [parseSeq()];
    while (pattern[pos] === '|') {
      pos++;
      options.push(parseSeq());
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options };
  };
  const parseSeq = (): Ast => {
    const items: Ast[] = [];
    while (pos < pattern.length && pattern[pos] !== '|' && pattern[pos] !== ')') {
      let atom = parseAtom();
      for (;;) {
        const q = pattern[pos];
        if (q === '?') {
          pos++;
          atom = { t: 'rep', item: atom, min: 0, max: 1 };
        } else if (q === '*') {
          pos++;
          atom = { t: 'rep', item: atom, min: 0, max: Number.POSITIVE_INFINITY };
        } else if (q === '+') {
          pos++;
          atom = { t: 'rep', item: atom, min: 1, max: Number.POSITIVE_INFINITY };
        } else if (q === '{') {
          const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(pos));
          if (!m) fail('bad quantifier');
          pos += m![0].length;
          const min = Number(m![1]);
          const max = m![2] === undefined ? min : m![3] === '' ? Number.POSITIVE_INFINITY : Number(m![3]);
          atom = { t: 'rep', item: atom, min, max };
        } else break;
      }
      items.push(atom);
    }
    return { t: 'seq', items };
  };
  const parseAtom = (): Ast => {
    const c = pattern[pos];
    if (c === '(') {
      pos++;
      if (pattern.startsWith('?:', pos)) pos += 2;
      const inner = parseAlt();
      if (pattern[pos] !== ')') fail('missing )');
      pos++;
      return inner;
    }
    if (c === '[') return parseClass();
    if (c === '\\') {
      if (pattern[pos + 1] !== 'd') fail('only \\d is supported');
      pos += 2;
      return { t: 'class', mask: ALL_DIGITS };
    }
    if (c !== undefined && c >= '0' && c <= '9') {
      pos++;
      return { t: 'class', mask: 1 << (c.charCodeAt(0) - 48) };
    }
    return fail(`unexpected ${c === undefined ? 'end' : `"${c}"`}`);
  };
  const parseClass = (): Ast => {
    pos++;
    let negate = false;
    if (pattern[pos] === '^') {
      negate = true;
      pos++;
    }
    let mask = 0;
    while (pos < pattern.length && pattern[pos] !== ']') {
      if (pattern[pos] === '\\' && pattern[pos + 1] === 'd') {
        mask |= ALL_DIGITS;
        pos += 2;
        continue;
      }
      const from = pattern.charCodeAt(pos) - 48;
      if (from < 0 || from > 9) fail('non-digit in class');
      if (pattern[pos + 1] === '-' && pattern[pos + 2] !== ']') {
        const to = pattern.charCodeAt(pos + 2) - 48;
        if (to < from || to > 9) fail('bad range');
        for (let d = from; d <= to; d++) mask |= 1 << d;
        pos += 3;
      } else {
        mask |= 1 << from;
        pos++;
      }
    }
    if (pattern[pos] !== ']') fail('missing ]');
    pos++;
    return { t: 'class', mask: negate ? ALL_DIGITS & ~mask : mask };
  };
  const ast = parseAlt();
  if (pos !== pattern.length) fail('trailing input');
  return ast;
}

/** A set of NFAs sharing one node table. */
class NfaBuilder {
  readonly nodes: NfaNode[] = [];

  node(): number {
    this.nodes.push({ eps: [], mask: 0, next: -1 });
    return this.nodes.length - 1;
  }

  /** Builds `ast` between fresh nodes; returns [start, end]. */
  build(ast: Ast): [number, number] {
    switch (ast.t) {
      case 'class': {
        const s = this.node();
        const e = this.node();
        this.nodes[s]!.mask = ast.mask;
        this.nodes[s]!.next = e;
        return [s, e];
      }
      case 'seq': {
        const s = this.node();
        let cur = s;
        for (const item of ast.items) {
          const [is, ie] = this.build(item);
          this.nodes[cur]!.eps.push(is);
          cur = ie;
        }
        return [s, cur];
      }
      case 'alt': {
        const s = this.node();
        const e = this.node();
        for (const option of ast.options) {
          const [os, oe] = this.build(option);
          this.nodes[s]!.eps.push(os);
          this.nodes[oe]!.eps.push(e);
        }
        return [s, e];
      }
      case 'rep': {
        const s = this.node();
        let cur = s;
        for (let i = 0; i < ast.min; i++) {
          const [is, ie] = this.build(ast.item);
          this.nodes[cur]!.eps.push(is);
          cur = ie;
        }
        const e = this.node();
        if (ast.max === Number.POSITIVE_INFINITY) {
          const [is, ie] = this.build(ast.item);
          this.nodes[cur]!.eps.push(is, e);
          this.nodes[ie]!.eps.push(is, e);
        } else {
          for (let i = ast.min; i < ast.max; i++) {
            const [is, ie] = this.build(ast.item);
            this.nodes[cur]!.eps.push(is, e);
            cur = ie;
          }
          this.nodes[cur]!.eps.push(e);
        }
        return [s, e];
      }
    }
  }
}

/** One pattern to compile: whole-string match, or prefix match (`search() === 0`). */
export interface DigitPattern {
  pattern: string;
  prefix?: boolean;
}

/**
 * A deterministic automaton over digit strings recognising several patterns at
 * once. `step(state, digit)` gives the next state (-1 = no pattern can match any
 * more); `accepts(state)` lists which patterns match the digits read so far.
 */
export interface DigitAutomaton {
  readonly stateCount: number;
  /** Transition table: `transitions[state * 10 + digit]`, -1 for the dead state. */
  readonly transitions: Int32Array;
  /** For each state, the indexes of the patterns that match exactly the digits read. */
  readonly accepting: readonly (readonly number[])[];
}

/** Compiles patterns (libphonenumber regex subset) into one DFA by subset construction. */
export function compileDigitPatterns(patterns: readonly DigitPattern[]): DigitAutomaton {
  const b = new NfaBuilder();
  const starts: number[] = [];
  const acceptOf = new Map<number, number>();
  patterns.forEach((p, i) => {
    const [s, e] = b.build(parse(p.pattern));
    let end = e;
    if (p.prefix) {
      // Prefix match: once the pattern matched, any further digits keep it matched.
      const sink = b.node();
      b.nodes[e]!.eps.push(sink);
      b.nodes[sink]!.mask = ALL_DIGITS;
      b.nodes[sink]!.next = sink;
      end = sink;
    }
    starts.push(s);
    acceptOf.set(end, i);
  });
  const nodes = b.nodes;
  const acceptIndex = new Int32Array(nodes.length).fill(-1);
  for (const [node, index] of acceptOf) acceptIndex[node] = index;
  // Epsilon closure with a generation-stamped visit mark: no per-call sets (the table is built once per process).
  const mark = new Uint32Array(nodes.length);
  const stack = new Int32Array(nodes.length);
  let generation = 0;
  const closure = (seeds: readonly number[]): number[] => {
    generation++;
    let sp = 0;
    for (const s of seeds) {
      if (mark[s] !== generation) {
        mark[s] = generation;
        stack[sp++] = s;
      }
    }
    const out: number[] = [];
    while (sp > 0) {
      const n = stack[--sp]!;
      const node = nodes[n]!;
      // Only nodes with a labelled transition or an accept mark matter for identity.
      if (node.mask !== 0 || acceptIndex[n]! >= 0) out.push(n);
      for (const x of node.eps) {
        if (mark[x] !== generation) {
          mark[x] = generation;
          stack[sp++] = x;
        }
      }
    }
    return out.sort((x, y) => x - y);
  };
  const ids = new Map<string, number>();
  const sets: number[][] = [];
  const trans: number[] = [];
  const intern = (set: number[]): number => {
    if (set.length === 0) return -1;
    const key = set.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      id = sets.length;
      ids.set(key, id);
      sets.push(set);
    }
    return id;
  };
  intern(closure(starts));
  for (let s = 0; s < sets.length; s++) {
    const set = sets[s]!;
    for (let d = 0; d < 10; d++) {
      const bit = 1 << d;
      const seeds: number[] = [];
      for (const n of set) {
        const node = nodes[n]!;
        if (node.mask & bit) seeds.push(node.next);
      }
      trans[s * 10 + d] = intern(closure(seeds));
    }
  }
  const accepting = sets.map((set) => {
    const out: number[] = [];
    for (const n of set) {
      const a = acceptIndex[n]!;
      if (a >= 0) out.push(a);
    }
    return out.sort((x, y) => x - y);
  });
  return { stateCount: sets.length, transitions: Int32Array.from(trans), accepting };
}
