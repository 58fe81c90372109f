import {
  compileMapping,
  type DataMapping,
  type NewDataMapping,
  NewDataMappingSchema,
  type NewSpecFile,
  NewSpecFileSchema,
  OutpaceError,
  type SpecFile,
} from '@outpace/core';
import { parseServiceInput } from './lists.js';
import type { ServiceContext } from './lists-context.js';

type Paging = { after?: string | undefined; limit?: number | undefined };
const paging = (q: Paging) => ({
  ...(q.after === undefined ? {} : { after: q.after }),
  ...(q.limit === undefined ? {} : { limit: q.limit }),
});

function specNotFound(id: string): OutpaceError {
  return new OutpaceError(
    'SPEC_FILE_NOT_FOUND',
    `Specification file "${id}" does not exist in this tenant; check the id.`,
    {
      details: { id },
    },
  );
}

function mappingNotFound(id: string): OutpaceError {
  return new OutpaceError(
    'DATA_MAPPING_NOT_FOUND',
    `Data mapping "${id}" does not exist in this tenant; check the id.`,
    {
      details: { id },
    },
  );
}

/**
 * Validates a specification file with core's parser: throws
 * `LIST_SPEC_INVALID` (400) whose message and details name the line and the
 * reason.
 */
export function validateSpecText(text: string): void {
  compileMapping({ kind: 'spec', text });
}

/** Validates a data-mapping schema with core's compiler; throws `LIST_MAPPING_INVALID` naming the field. */
export function validateDataMapping(mapping: NewDataMapping): void {
  compileMapping({ kind: 'dataMapping', mapping });
}

/**
 * Stores a specification file after checking it parses.
 *
 * @example
 * await createSpecFile(ctx, { name: 'Pipe file', text: 'Option: CSVFieldSeparator |\nDevice1:s/<CSV>/$1/' });
 */
export async function createSpecFile(ctx: ServiceContext, input: unknown): Promise<SpecFile> {
  const parsed = parseServiceInput(NewSpecFileSchema, input, 'specification file');
  validateSpecText(parsed.text);
  const spec = await ctx.tenant.specFiles.create(parsed);
  await ctx.audit({
    action: 'specFile.create',
    target: { type: 'specFile', id: spec.id },
    summary: `created specification file "${spec.name}"`,
    after: { ...spec, text: `${spec.text.length} characters` },
  });
  return spec;
}

/** A page of spec files. */
export async function listSpecFiles(ctx: ServiceContext, query: Paging = {}) {
  return ctx.tenant.specFiles.list(paging(query));
}

/** One spec file; throws `SPEC_FILE_NOT_FOUND`. */
export async function getSpecFile(ctx: ServiceContext, id: string): Promise<SpecFile> {
  const spec = await ctx.tenant.specFiles.get(id);
  if (spec === undefined) throw specNotFound(id);
  return spec;
}

/** Replaces a spec file (validated as on create). */
export async function updateSpecFile(ctx: ServiceContext, id: string, input: unknown): Promise<SpecFile> {
  const parsed: NewSpecFile = parseServiceInput(NewSpecFileSchema, input, 'specification file');
  const before = await getSpecFile(ctx, id);
  validateSpecText(parsed.text);
  const spec = await ctx.tenant.specFiles.update(id, parsed);
  await ctx.audit({
    action: 'specFile.update',
    target: { type: 'specFile', id },
    summary: `changed specification file "${spec.name}"`,
    before: { ...before, text: `${before.text.length} characters` },
    after: { ...spec, text: `${spec.text.length} characters` },
  });
  return spec;
}

/** Deletes a spec file; throws `SPEC_FILE_NOT_FOUND`. */
export async function deleteSpecFile(ctx: ServiceContext, id: string): Promise<void> {
  const before = await getSpecFile(ctx, id);
  if (!(await ctx.tenant.specFiles.delete(id))) throw specNotFound(id);
  await ctx.audit({
    action: 'specFile.delete',
    target: { type: 'specFile', id },
    summary: `deleted specification file "${before.name}"`,
  });
}

/** Stores a data mapping after checking it compiles. */
export async function createDataMapping(ctx: ServiceContext, input: unknown): Promise<DataMapping> {
  const parsed = parseServiceInput(NewDataMappingSchema, input, 'data mapping');
  validateDataMapping(parsed);
  const mapping = await ctx.tenant.dataMappings.create(parsed);
  await ctx.audit({
    action: 'dataMapping.create',
    target: { type: 'dataMapping', id: mapping.id },
    summary: `created data mapping "${mapping.name}" (${mapping.fields.length} fields)`,
    after: mapping,
  });
  return mapping;
}

/** A page of data mappings. */
export async function listDataMappings(ctx: ServiceContext, query: Paging = {}) {
  return ctx.tenant.dataMappings.list(paging(query));
}

/** One data mapping; throws `DATA_MAPPING_NOT_FOUND`. */
export async function getDataMapping(ctx: ServiceContext, id: string): Promise<DataMapping> {
  const mapping = await ctx.tenant.dataMappings.get(id);
  if (mapping === undefined) throw mappingNotFound(id);
  return mapping;
}

/** Replaces a data mapping (validated as on create). */
export async function updateDataMapping(ctx: ServiceContext, id: string, input: unknown): Promise<DataMapping> {
  const parsed = parseServiceInput(NewDataMappingSchema, input, 'data mapping');
  const before = await getDataMapping(ctx, id);
  validateDataMapping(parsed);
  const mapping = await ctx.tenant.dataMappings.update(id, parsed);
  await ctx.audit({
    action: 'dataMapping.update',
    target: { type: 'dataMapping', id },
    summary: `changed data mapping "${mapping.name}"`,
    before,
    after: mapping,
  });
  return mapping;
}

/** Deletes a data mapping; throws `DATA_MAPPING_NOT_FOUND`. */
export async function deleteDataMapping(ctx: ServiceContext, id: string): Promise<void> {
  const before = await getDataMapping(ctx, id);
  if (!(await ctx.tenant.dataMappings.delete(id))) throw mappingNotFound(id);
  await ctx.audit({
    action: 'dataMapping.delete',
    target: { type: 'dataMapping', id },
    summary: `deleted data mapping "${before.name}"`,
    before,
  });
}
