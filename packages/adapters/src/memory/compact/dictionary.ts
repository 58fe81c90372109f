/**
 * Dictionaries of values that repeat across contacts (state codes, time
 * zones, area codes, raw-number layouts, a device's derived attributes), so
 * each record stores a small integer instead of the value. One set per tenant,
 * so tenants share nothing. Each dictionary is capped: a value that no longer
 * fits is stored inline in the record instead.
 */

/** Entries all the column dictionaries of one tenant may hold together. */
export interface DictionaryBudget {
  remaining: number;
}

/** Strings by value. */
export class TextDictionary {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];
  private hits = 0;
  private misses = 0;
  /** Set when the dictionary is full and lookups mostly miss: values are then stored inline without a lookup. */
  private retired = false;

  /**
   * @param limit entries this dictionary may hold.
   * @param budget a shared allowance several dictionaries draw from.
   */
  constructor(
    private readonly limit: number,
    private readonly budget: DictionaryBudget = { remaining: Number.POSITIVE_INFINITY },
  ) {}

  /** True once no value will be added any more (lookups of known values still work). */
  get full(): boolean {
    return this.values.length >= this.limit || this.budget.remaining <= 0;
  }

  /** The id of `value`, adding it if there is room; undefined when it is not in and cannot be added. */
  idOf(value: string): number | undefined {
    if (this.retired) return undefined;
    const id = this.ids.get(value);
    if (id !== undefined) {
      this.hits++;
      return id;
    }
    if (this.full) {
      // A full dictionary that rarely hits (a column of mostly distinct
      // values) stops costing a lookup per value.
      if (++this.misses > 4096 && this.misses > this.hits) this.retired = true;
      return undefined;
    }
    this.budget.remaining--;
    this.ids.set(value, this.values.length);
    this.values.push(value);
    return this.values.length - 1;
  }

  get(id: number): string {
    return this.values[id] as string;
  }
}

/**
 * Values found by a 32-bit hash the caller computes without allocating, and
 * confirmed by the caller against the candidates (so a hash collision can
 * never return the wrong value).
 */
export class HashedDictionary<T> {
  private readonly buckets = new Map<number, number[]>();
  private readonly values: T[] = [];

  constructor(private readonly limit: number) {}

  /** Ids of the values with this hash. */
  candidates(hash: number): readonly number[] | undefined {
    return this.buckets.get(hash);
  }

  /** Adds a value; undefined when the dictionary is full. */
  add(hash: number, value: T): number | undefined {
    if (this.values.length >= this.limit) return undefined;
    const id = this.values.length;
    this.values.push(value);
    const bucket = this.buckets.get(hash);
    if (bucket === undefined) this.buckets.set(hash, [id]);
    else bucket.push(id);
    return id;
  }

  get(id: number): T {
    return this.values[id] as T;
  }
}

import type { RawLayout } from './shared-values.js';

/** A few optional strings or booleans stored together. */
export type TupleValue = string | boolean | undefined;

/** The dictionaries of one tenant's contact encoding. */
export interface ContactDictionary {
  /** Short repeated strings: state, country, time zone, area code, exchange. */
  text: TextDictionary;
  /**
   * One dictionary per column whose values often repeat (first and last name,
   * company, each Other field): a column of few distinct values (a tier, a
   * yes/no flag, a date) costs a byte a value. A column of mostly distinct
   * values fills its dictionary and is stored inline from then on.
   */
  column(name: string): TextDictionary;
  /** Contact locations: `[country, region, timeZone, source]`. */
  location: HashedDictionary<readonly TupleValue[]>;
  /** A device's derived attributes: `[callingCode, iso, region, timeZone, timeZoneSource, international]`. */
  deviceAttributes: HashedDictionary<readonly TupleValue[]>;
  /** Layouts of raw numbers (`(ddd) ddd-dddd`). */
  rawLayout: HashedDictionary<RawLayout>;
}

/** Entries per column dictionary, and for all of a tenant's column dictionaries together. */
const COLUMN_LIMIT = 4096;
const COLUMNS_BUDGET = 1 << 18;

export function createContactDictionary(): ContactDictionary {
  const columns = new Map<string, TextDictionary>();
  const budget: DictionaryBudget = { remaining: COLUMNS_BUDGET };
  return {
    column(name) {
      let dict = columns.get(name);
      if (dict === undefined) {
        dict = new TextDictionary(COLUMN_LIMIT, budget);
        columns.set(name, dict);
      }
      return dict;
    },
    text: new TextDictionary(1 << 16),
    location: new HashedDictionary(1 << 16),
    deviceAttributes: new HashedDictionary(1 << 16),
    // Layouts come straight from user input, so they get a small cap.
    rawLayout: new HashedDictionary(4096),
  };
}
