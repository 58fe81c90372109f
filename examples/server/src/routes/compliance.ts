import {
  ComplianceSettingsSchema,
  CustomTimeZoneSchema,
  NewCustomTimeZoneSchema,
  NewRegistryCopySchema,
  NewRestrictedDateSchema,
  RestrictedDateSchema,
  StoredComplianceSettingsSchema,
  TenantRuleSetSchema,
} from '@outpace/core';
import { z } from 'zod';
import { createRouter, IdParams, json, jsonBody, PageQueryParams, pageOf, route } from '../http/openapi.js';
import {
  CheckInputSchema,
  checkValidAttempt,
  createRegistryCopy,
  createRestrictedDate,
  createRuleSet,
  createTimeZone,
  deleteRegistryCopy,
  deleteRestrictedDate,
  deleteRuleSet,
  deleteTimeZone,
  engineSummary,
  getComplianceSettings,
  getRestrictedDate,
  getRuleSet,
  getTimeZone,
  importTimeZones,
  listPresets,
  listRegistryCopies,
  listRestrictedDates,
  listRuleSets,
  listTimeZones,
  RuleSetInputSchema,
  ruleSetVersions,
  TimeZoneImportInputSchema,
  timeZoneImpact,
  updateComplianceSettings,
  updateRestrictedDate,
  updateRuleSet,
  updateTimeZone,
  validateRuleSet,
} from '../services/compliance.js';
import { serviceContext } from '../services/lists-context.js';

const Deleted = z.object({ deleted: z.boolean() });
const Settings = StoredComplianceSettingsSchema.meta({ id: 'ComplianceSettings' });
const RuleSet = TenantRuleSetSchema.meta({ id: 'TenantRuleSet' });
const RuleSetBody = RuleSetInputSchema.meta({
  id: 'TenantRuleSetInput',
  description:
    'Rules in the engine format of docs/compliance.md; expectedVersion refuses a save based on an old version.',
});
const TimeZone = CustomTimeZoneSchema.meta({ id: 'CustomTimeZone' });
const RestrictedDate = RestrictedDateSchema.meta({ id: 'RestrictedDate' });
const Preset = z
  .object({
    id: z.string(),
    version: z.string(),
    name: z.string(),
    description: z.string().optional(),
    enabled: z.boolean(),
    rules: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'CompliancePreset' });
const RegistryCopyView = z
  .object({
    id: z.string(),
    registry: z.string(),
    copyDate: z.string(),
    suppressionListId: z.string(),
    source: z.enum(['manual', 'automation']),
    automationId: z.string().optional(),
    runId: z.string().optional(),
    importJobId: z.string().optional(),
    fileName: z.string().optional(),
    entries: z.number().optional(),
    createdAt: z.number(),
    ageDays: z.number(),
    maxCopyAgeDays: z.number().optional(),
    stale: z.boolean(),
    inUse: z.boolean(),
  })
  .meta({ id: 'RegistryCopy' });
const Reason = z.object({
  code: z.string(),
  rule: z.string(),
  jurisdiction: z.string().optional(),
  zone: z.string().optional(),
  message: z.string(),
});
const Decision = z
  .object({
    allowed: z.boolean(),
    at: z.number(),
    atIso: z.string(),
    device: z.string(),
    reasons: z.array(Reason),
    nextAllowedAt: z.number().optional(),
    nextAllowedAtIso: z.string().optional(),
    location: z.record(z.string(), z.unknown()),
    ruleSets: z.array(z.object({ id: z.string(), version: z.string(), formatVersion: z.number() })),
    rulesHash: z.string(),
  })
  .meta({ id: 'ComplianceDecision' });

/** Routes under /api/v1/compliance. */
export function complianceRoutes() {
  const app = createRouter();

  app.openapi(
    route('compliance:read', {
      method: 'get',
      path: '/presets',
      tags: ['compliance'],
      summary:
        'The built-in regulatory presets with their rules, citations and verification status, and which the tenant enabled.',
      responses: { 200: json(z.object({ items: z.array(Preset) })) },
    }),
    async (c) => c.json({ items: (await listPresets(serviceContext(c))) as z.infer<typeof Preset>[] }, 200),
  );
  app.openapi(
    route('compliance:read', {
      method: 'get',
      path: '/settings',
      tags: ['compliance'],
      summary: 'Enabled presets, excluded preset rules, location policy and the handling of unverified rules.',
      responses: { 200: json(Settings) },
    }),
    async (c) => c.json(await getComplianceSettings(serviceContext(c)), 200),
  );
  app.openapi(
    route('compliance:write', {
      method: 'put',
      path: '/settings',
      tags: ['compliance'],
      summary: 'Replaces the compliance settings (enable presets, exclude preset rules).',
      request: jsonBody(ComplianceSettingsSchema.meta({ id: 'ComplianceSettingsInput' })),
      responses: { 200: json(Settings) },
    }),
    async (c) => c.json(await updateComplianceSettings(serviceContext(c), c.req.valid('json')), 200),
  );
  app.openapi(
    route('compliance:read', {
      method: 'get',
      path: '/engine',
      tags: ['compliance'],
      summary: "What the tenant's engine is built from now: rule sets and versions, rules hash, data versions.",
      responses: {
        200: json(
          z.object({
            ruleSets: z.array(z.object({ id: z.string(), version: z.string(), formatVersion: z.number() })),
            rulesHash: z.string(),
            rules: z.number(),
            dataVersions: z.record(z.string(), z.string()),
          }),
        ),
      },
    }),
    async (c) => {
      const summary = await engineSummary(serviceContext(c));
      return c.json({ ...summary, ruleSets: [...summary.ruleSets], dataVersions: { ...summary.dataVersions } }, 200);
    },
  );
  app.openapi(
    route('compliance:check', {
      method: 'post',
      path: '/check',
      tags: ['compliance'],
      summary:
        "Decides an attempt with the tenant's engine: allowed or not, every reason (rule, jurisdiction, zone) and, when only time blocks, nextAllowedAt. Changes nothing.",
      request: jsonBody(CheckInputSchema.meta({ id: 'ComplianceCheck' })),
      responses: { 200: json(Decision) },
    }),
    async (c) => {
      const decision = await checkValidAttempt(serviceContext(c), c.req.valid('json'));
      return c.json(
        {
          ...decision,
          ruleSets: [...decision.ruleSets],
          location: decision.location as unknown as Record<string, unknown>,
        },
        200,
      );
    },
  );

  // Rule sets
  app.openapi(
    route('compliance:read', {
      method: 'get',
      path: '/rule-sets',
      tags: ['compliance'],
      summary: "The tenant's own rule sets.",
      request: { query: PageQueryParams },
      responses: { 200: json(pageOf(RuleSet)) },
    }),
    async (c) => c.json(await listRuleSets(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('compliance:write', {
      method: 'post',
      path: '/rule-sets',
      tags: ['compliance'],
      summary: "Creates a rule set; its rules are validated with the engine's schema (errors name each path).",
      request: jsonBody(RuleSetBody),
      responses: { 201: json(RuleSet, 'Created') },
    }),
    async (c) => c.json(await createRuleSet(serviceContext(c), c.req.valid('json')), 201),
  );
  app.openapi(
    route('compliance:read', {
      method: 'post',
      path: '/rule-sets/validate',
      tags: ['compliance'],
      summary: 'Validates a rule set without saving it (schema, then unique rule ids across the composed rules).',
      request: jsonBody(z.record(z.string(), z.unknown())),
      responses: {
        200: json(
          z.object({ valid: z.boolean(), issues: z.array(z.object({ path: z.string(), message: z.string() })) }),
        ),
      },
    }),
    async (c) => c.json(await validateRuleSet(serviceContext(c), c.req.valid('json')), 200),
  );
  app.openapi(
    route('compliance:read', {
      method: 'get',
      path: '/rule-sets/{id}',
      tags: ['compliance'],
      summary: 'One rule set (its current version).',
      request: { params: IdParams },
      responses: { 200: json(RuleSet) },
    }),
    async (c) => c.json(await getRuleSet(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('compliance:write', {
      method: 'put',
      path: '/rule-sets/{id}',
      tags: ['compliance'],
      summary: 'Saves a new version of a rule set (the old one is kept in its history).',
      request: { params: IdParams, ...jsonBody(RuleSetBody) },
      responses: { 200: json(RuleSet) },
    }),
    async (c) => c.json(await updateRuleSet(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('compliance:write', {
      method: 'delete',
      path: '/rule-sets/{id}',
      tags: ['compliance'],
      summary: 'Deletes a rule set and its history.',
      request: { params: IdParams },
      responses: { 200: json(Deleted) },
    }),
    async (c) => {
      await deleteRuleSet(serviceContext(c), c.req.valid('param').id);
      return c.json({ deleted: true }, 200);
    },
  );
  app.openapi(
    route('compliance:read', {
      method: 'get',
      path: '/rule-sets/{id}/versions',
      tags: ['compliance'],
      summary: 'Every saved version of a rule set, newest first.',
      request: { params: IdParams },
      responses: {
        200: json(
          z.object({
            items: z.array(
              z.object({
                ruleSetId: z.string(),
                version: z.number(),
                name: z.string(),
                description: z.string(),
                enabled: z.boolean(),
                rules: z.array(z.record(z.string(), z.unknown())),
                savedAt: z.number(),
              }),
            ),
          }),
        ),
      },
    }),
    async (c) => c.json({ items: await ruleSetVersions(serviceContext(c), c.req.valid('param').id) }, 200),
  );

  // Custom time zones
  app.openapi(
    route('compliance:read', {
      method: 'get',
      path: '/time-zones',
      tags: ['compliance'],
      summary: 'Custom time zones (country code + area code → IANA zone), by country code and area code.',
      request: { query: PageQueryParams },
      responses: { 200: json(pageOf(TimeZone)) },
    }),
    async (c) => c.json(await listTimeZones(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('compliance:write', {
      method: 'post',
      path: '/time-zones',
      tags: ['compliance'],
      summary: 'Maps a country code and area code to a zone (used by imports and the engine at once).',
      request: jsonBody(NewCustomTimeZoneSchema.meta({ id: 'CustomTimeZoneInput' })),
      responses: {
        201: json(TimeZone, 'Created'),
        409: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'Already mapped.'),
      },
    }),
    async (c) => c.json(await createTimeZone(serviceContext(c), c.req.valid('json')), 201),
  );
  app.openapi(
    route('compliance:write', {
      method: 'post',
      path: '/time-zones/import',
      tags: ['compliance'],
      summary: 'Imports custom time zones from CSV (country,area,zone), all or nothing; merge or replace.',
      request: jsonBody(TimeZoneImportInputSchema.meta({ id: 'TimeZoneImport' })),
      responses: {
        200: json(
          z.object({
            created: z.number(),
            updated: z.number(),
            unchanged: z.number(),
            deleted: z.number(),
            total: z.number(),
          }),
        ),
      },
    }),
    async (c) => c.json(await importTimeZones(serviceContext(c), c.req.valid('json')), 200),
  );
  app.openapi(
    route('compliance:read', {
      method: 'get',
      path: '/time-zones/impact',
      tags: ['compliance'],
      summary:
        'How many contacts of the tenant’s lists have a device in +countryCode areaCode (what a custom time zone for it would re-zone); one count per list.',
      request: {
        query: z.object({
          countryCode: z.string().regex(/^[1-9]\d{0,2}$/),
          areaCode: z.string().regex(/^\d{1,8}$/),
        }),
      },
      responses: { 200: json(z.object({ contacts: z.number(), lists: z.number() })) },
    }),
    async (c) => c.json(await timeZoneImpact(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('compliance:read', {
      method: 'get',
      path: '/time-zones/{id}',
      tags: ['compliance'],
      summary: 'One custom time zone.',
      request: { params: IdParams },
      responses: { 200: json(TimeZone) },
    }),
    async (c) => c.json(await getTimeZone(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('compliance:write', {
      method: 'put',
      path: '/time-zones/{id}',
      tags: ['compliance'],
      summary: 'Changes a custom time zone.',
      request: { params: IdParams, ...jsonBody(NewCustomTimeZoneSchema) },
      responses: { 200: json(TimeZone) },
    }),
    async (c) => c.json(await updateTimeZone(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('compliance:write', {
      method: 'delete',
      path: '/time-zones/{id}',
      tags: ['compliance'],
      summary: 'Removes a custom time zone.',
      request: { params: IdParams },
      responses: { 200: json(Deleted) },
    }),
    async (c) => {
      await deleteTimeZone(serviceContext(c), c.req.valid('param').id);
      return c.json({ deleted: true }, 200);
    },
  );

  // Restricted dates
  app.openapi(
    route('compliance:read', {
      method: 'get',
      path: '/restricted-dates',
      tags: ['compliance'],
      summary: 'The restricted-dates feed (states of emergency, proclaimed days): whole local days per jurisdiction.',
      request: { query: PageQueryParams },
      responses: { 200: json(pageOf(RestrictedDate)) },
    }),
    async (c) => c.json(await listRestrictedDates(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('compliance:write', {
      method: 'post',
      path: '/restricted-dates',
      tags: ['compliance'],
      summary: 'Adds a restriction (without `to` it lasts until ended).',
      request: jsonBody(NewRestrictedDateSchema.meta({ id: 'RestrictedDateInput' })),
      responses: { 201: json(RestrictedDate, 'Created') },
    }),
    async (c) => c.json(await createRestrictedDate(serviceContext(c), c.req.valid('json')), 201),
  );
  app.openapi(
    route('compliance:read', {
      method: 'get',
      path: '/restricted-dates/{id}',
      tags: ['compliance'],
      summary: 'One restriction.',
      request: { params: IdParams },
      responses: { 200: json(RestrictedDate) },
    }),
    async (c) => c.json(await getRestrictedDate(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('compliance:write', {
      method: 'put',
      path: '/restricted-dates/{id}',
      tags: ['compliance'],
      summary: 'Replaces a restriction (set `to` to end an open-ended one).',
      request: { params: IdParams, ...jsonBody(NewRestrictedDateSchema) },
      responses: { 200: json(RestrictedDate) },
    }),
    async (c) =>
      c.json(await updateRestrictedDate(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('compliance:write', {
      method: 'delete',
      path: '/restricted-dates/{id}',
      tags: ['compliance'],
      summary: 'Removes a restriction.',
      request: { params: IdParams },
      responses: { 200: json(Deleted) },
    }),
    async (c) => {
      await deleteRestrictedDate(serviceContext(c), c.req.valid('param').id);
      return c.json({ deleted: true }, 200);
    },
  );

  // Registry copies
  app.openapi(
    route('compliance:read', {
      method: 'get',
      path: '/registry-copies',
      tags: ['compliance'],
      summary:
        'Registry copies (newest first) with their age, the maximum age the enabled rules allow, and which is in use.',
      request: { query: PageQueryParams.extend({ registry: z.string().max(32).optional() }) },
      responses: { 200: json(pageOf(RegistryCopyView)) },
    }),
    async (c) => c.json(await listRegistryCopies(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('compliance:write', {
      method: 'post',
      path: '/registry-copies',
      tags: ['compliance'],
      summary: 'Records a registry copy already imported into a suppression list, with the date it was obtained.',
      request: jsonBody(
        NewRegistryCopySchema.pick({ registry: true, copyDate: true, suppressionListId: true }).meta({
          id: 'RegistryCopyInput',
        }),
      ),
      responses: { 201: json(RegistryCopyView, 'Created') },
    }),
    async (c) => c.json(await createRegistryCopy(serviceContext(c), c.req.valid('json')), 201),
  );
  app.openapi(
    route('compliance:write', {
      method: 'delete',
      path: '/registry-copies/{id}',
      tags: ['compliance'],
      summary: 'Removes the record of a registry copy (its suppression list stays).',
      request: { params: IdParams },
      responses: { 200: json(Deleted) },
    }),
    async (c) => {
      await deleteRegistryCopy(serviceContext(c), c.req.valid('param').id);
      return c.json({ deleted: true }, 200);
    },
  );
  return app;
}
