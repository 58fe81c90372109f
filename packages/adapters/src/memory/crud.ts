import type { Clock, CrudStore, IdPrefix, Page, PageQuery } from '@outpace/core';
import { createId, OutpaceError } from '@outpace/core';
import type { z } from 'zod';
import { pageById } from './paging.js';
import { parseInput } from './validate.js';

type Stored<T> = T & { id: string; createdAt: number; updatedAt: number };

/**
 * A {@link CrudStore} over a map owned by one tenant: rules, labels, data
 * mappings, spec files. Inputs are validated with the object's zod schema.
 */
export function createMemoryCrud<TSchema extends z.ZodType>(options: {
  items: Map<string, Stored<z.output<TSchema>>>;
  schema: TSchema;
  prefix: IdPrefix;
  /** Noun for messages, e.g. "List rule". */
  noun: string;
  clock: Clock;
}): CrudStore<z.input<TSchema>, Stored<z.output<TSchema>>> {
  const { items, schema, prefix, noun, clock } = options;
  return {
    async create(input) {
      const value = parseInput(schema, input, noun);
      const now = clock.now();
      const stored = { ...(value as object), id: createId(prefix, clock), createdAt: now, updatedAt: now } as Stored<
        z.output<TSchema>
      >;
      items.set(stored.id, stored);
      return structuredClone(stored);
    },
    async get(id) {
      const stored = items.get(id);
      return stored === undefined ? undefined : structuredClone(stored);
    },
    async list(query?: PageQuery): Promise<Page<Stored<z.output<TSchema>>>> {
      const page = pageById(items.values(), query);
      return { items: page.items.map((i) => structuredClone(i)), nextCursor: page.nextCursor };
    },
    async update(id, input) {
      const existing = items.get(id);
      if (existing === undefined) {
        throw new OutpaceError('NOT_FOUND', `${noun} "${id}" does not exist; check the id or create it first.`);
      }
      const value = parseInput(schema, input, noun);
      const stored = { ...(value as object), id, createdAt: existing.createdAt, updatedAt: clock.now() } as Stored<
        z.output<TSchema>
      >;
      items.set(id, stored);
      return structuredClone(stored);
    },
    async delete(id) {
      return items.delete(id);
    },
  };
}
