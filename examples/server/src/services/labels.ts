import { type LabelSchema, OutpaceError, validateLabels } from '@outpace/core';
import type { ServiceContext } from './lists-context.js';

function labelsNotFound(id: string): OutpaceError {
  return new OutpaceError(
    'LABEL_SCHEMA_NOT_FOUND',
    `Labeling schema "${id}" does not exist in this tenant; check the id.`,
    {
      details: { id },
    },
  );
}

/**
 * Validates a labeling schema with core's `validateLabels` (labels differ once
 * case, spaces and punctuation are ignored; no label is a header keyword).
 * Throws `VALIDATION_FAILED` with every issue and its path.
 */
export function parseLabelSchema(input: unknown) {
  const result = validateLabels(input);
  if (result.success) return result.schema;
  const issues = result.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
  throw new OutpaceError(
    'VALIDATION_FAILED',
    `The labeling schema is not valid: ${issues.map((i) => `${i.path || '(schema)'}: ${i.message}`).join('; ')}`,
    { details: { issues } },
  );
}

/**
 * Creates a labeling schema naming Other fields (`{ other21: 'Balance' }`).
 *
 * @example
 * await createLabelSchema(ctx, { name: 'Collections', labels: { other1: 'Balance' } });
 */
export async function createLabelSchema(ctx: ServiceContext, input: unknown): Promise<LabelSchema> {
  const schema = await ctx.tenant.labels.create(parseLabelSchema(input));
  await ctx.audit({
    action: 'labels.create',
    target: { type: 'labelSchema', id: schema.id },
    summary: `created labeling schema "${schema.name}" (${Object.keys(schema.labels).length} labels)`,
    after: schema,
  });
  return schema;
}

/** A page of labeling schemas. */
export async function listLabelSchemas(
  ctx: ServiceContext,
  query: { after?: string | undefined; limit?: number | undefined } = {},
) {
  return ctx.tenant.labels.list({
    ...(query.after === undefined ? {} : { after: query.after }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
  });
}

/** One labeling schema; throws `LABEL_SCHEMA_NOT_FOUND`. */
export async function getLabelSchema(ctx: ServiceContext, id: string): Promise<LabelSchema> {
  const schema = await ctx.tenant.labels.get(id);
  if (schema === undefined) throw labelsNotFound(id);
  return schema;
}

/** Replaces a labeling schema (validated as on create). */
export async function updateLabelSchema(ctx: ServiceContext, id: string, input: unknown): Promise<LabelSchema> {
  const parsed = parseLabelSchema(input);
  const before = await getLabelSchema(ctx, id);
  const schema = await ctx.tenant.labels.update(id, parsed);
  await ctx.audit({
    action: 'labels.update',
    target: { type: 'labelSchema', id },
    summary: `changed labeling schema "${schema.name}"`,
    before,
    after: schema,
  });
  return schema;
}

/**
 * Deletes a labeling schema. Refused with `LABEL_SCHEMA_IN_USE` (409) while a
 * contact list uses it; throws `LABEL_SCHEMA_NOT_FOUND`.
 */
export async function deleteLabelSchema(ctx: ServiceContext, id: string): Promise<void> {
  const before = await getLabelSchema(ctx, id);
  let after: string | undefined;
  do {
    const page = await ctx.tenant.lists.list({ limit: 1000, ...(after === undefined ? {} : { after }) });
    const user = page.items.find((l) => l.labelSchemaId === id);
    if (user !== undefined) {
      throw new OutpaceError(
        'LABEL_SCHEMA_IN_USE',
        `Labeling schema "${before.name}" is used by contact list "${user.name}" (${user.id}); change the list's labels first.`,
        { details: { id, listId: user.id } },
      );
    }
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  if (!(await ctx.tenant.labels.delete(id))) throw labelsNotFound(id);
  await ctx.audit({
    action: 'labels.delete',
    target: { type: 'labelSchema', id },
    summary: `deleted labeling schema "${before.name}"`,
    before,
  });
}
