import type { CrudStore, IdPrefix } from '@outpace/core';
import { createId, OutpaceError } from '@outpace/core';
import type { z } from 'zod';
import type { SqlContext } from './context.js';
import { parseInput, readPageQuery, toPage } from './context.js';
import { readJson, readNumber } from './dialect.js';
import type { ObjectRow, ObjectTable } from './schema.js';

type Stored<T> = T & { id: string; createdAt: number; updatedAt: number };

function toStored<T>(row: ObjectRow): Stored<T> {
  return {
    ...readJson<T & object>(row.body),
    id: row.id,
    createdAt: readNumber(row.created_at),
    updatedAt: readNumber(row.updated_at),
  } as Stored<T>;
}

/**
 * A {@link CrudStore} over one table of named JSON documents (rules, labels,
 * data mappings, spec files), scoped to a tenant and validated with the
 * object's zod schema.
 */
export function createSqlCrud<TSchema extends z.ZodType>(
  ctx: SqlContext,
  tenantId: string,
  options: { table: ObjectTable; schema: TSchema; prefix: IdPrefix; noun: string },
): CrudStore<z.input<TSchema>, Stored<z.output<TSchema>>> {
  const { table, schema, prefix, noun } = options;
  const { dialect, clock } = ctx;
  type T = z.output<TSchema>;
  const nameOf = (value: T) => String((value as { name?: unknown }).name ?? '');

  return {
    async create(input) {
      const value = parseInput(schema, input, noun);
      const now = clock.now();
      const id = createId(prefix, clock);
      const db = await ctx.db();
      await db
        .insertInto(table)
        .values({
          tenant_id: tenantId,
          id,
          name: nameOf(value),
          body: dialect.json(value),
          created_at: now,
          updated_at: now,
        })
        .execute();
      return { ...(value as object), id, createdAt: now, updatedAt: now } as Stored<T>;
    },
    async get(id) {
      const db = await ctx.db();
      const row = await db
        .selectFrom(table)
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : toStored<T>(row);
    },
    async list(query) {
      const { limit, after } = readPageQuery(query);
      const db = await ctx.db();
      let q = db
        .selectFrom(table)
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .limit(limit + 1);
      if (after !== undefined) q = q.where('id', '>', String(after[0]));
      const rows = await q.execute();
      return toPage(
        rows.map((r) => toStored<T>(r)),
        limit,
        (item) => [item.id],
      );
    },
    async update(id, input) {
      const value = parseInput(schema, input, noun);
      const db = await ctx.db();
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom(table)
          .select(['created_at'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (row === undefined) {
          throw new OutpaceError('NOT_FOUND', `${noun} "${id}" does not exist; check the id or create it first.`);
        }
        const now = clock.now();
        await trx
          .updateTable(table)
          .set({ name: nameOf(value), body: dialect.json(value), updated_at: now })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .execute();
        return { ...(value as object), id, createdAt: readNumber(row.created_at), updatedAt: now } as Stored<T>;
      });
    },
    async delete(id) {
      const db = await ctx.db();
      const result = await db
        .deleteFrom(table)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
