import { z } from 'zod';
import { IdSchema, InstantSchema } from './common.js';
import { MAX_DEVICES } from './device.js';
import { SelectionSchema } from './list-rule.js';
import { DialModeSchema, OptimizationMethodSchema } from './outbound.js';
import { TreatmentListSchema } from './treatment.js';

/**
 * Campaign configuration, after the product's hierarchy: a dialing profile
 * (how to dial) and an agent group make a campaign template; a campaign group
 * runs a template's profile with an agent group over one or more contact
 * lists. Records, attempts and leases are in `campaign-record.ts`.
 */

const NameSchema = z.string().trim().min(1, 'Give a name.').max(128);
const DescriptionSchema = z.string().max(1024).default('');
/** A caller ID: E.164 or digits. */
export const CallerIdSchema = z
  .string()
  .regex(/^\+?[0-9]{3,20}$/, 'Use an E.164 number such as "+12125550100" or digits only.');

/** What predictive pacing optimises and the target (the product's optimisation method and value). */
export const PacingGoalSettingSchema = z.discriminatedUnion('method', [
  /** Most agent occupancy with abandonment at the target abandon rate (the product's Overdial Rate). */
  z.object({ method: z.literal(OptimizationMethodSchema.enum.abandonRate) }),
  /** Hold agents' busy share (talk + wrap over logged-in time) at `target`, e.g. 0.85. */
  z.object({ method: z.literal(OptimizationMethodSchema.enum.busyFactor), target: z.number().gt(0).lt(1) }),
  /** Hold the mean time an agent waits between calls at `targetMs`. */
  z.object({ method: z.literal(OptimizationMethodSchema.enum.waitTime), targetMs: z.number().int().positive() }),
  /** Hold the mean time a connected customer waits for an agent at `targetMs`. */
  z.object({
    method: z.literal(OptimizationMethodSchema.enum.distributionTime),
    targetMs: z.number().int().positive(),
  }),
]);
export type PacingGoalSetting = z.infer<typeof PacingGoalSettingSchema>;

/** Pacing options of a dialing profile (and of live changes to a running group). */
export const PacingSettingsSchema = z.object({
  /** Most abandoned calls as a share of live answers (the US/UK 3% rule). @default 0.03 */
  targetAbandonRate: z.number().min(0).max(0.5).default(0.03),
  /** Progressive: calls per ready agent; power: lines per agent (the product's "lines per agent"). @default 1 */
  linesPerAgent: z.number().gt(0).max(50).default(1),
  /** Cap on calls in progress per staffed agent, every mode. @default 10 */
  maxLinesPerAgent: z.number().gt(0).max(100).default(10),
  /** What predictive optimises. @default { method: 'abandonRate' } */
  optimize: PacingGoalSettingSchema.default({ method: 'abandonRate' }),
  /** Cap on calls placed per second (the carrier's limit). */
  maxCallsPerSecond: z.number().gt(0).max(10_000).optional(),
  /** Cap on calls up at once (trunks or channels). */
  maxChannels: z.number().int().positive().max(100_000).optional(),
});
export type PacingSettings = z.infer<typeof PacingSettingsSchema>;
export type PacingSettingsInput = z.input<typeof PacingSettingsSchema>;

/** What to do with a call answered by a machine or a fax: hang up, or pass it to an agent. */
export const AmdHandlingSchema = z.enum(['drop', 'deliver']);

/** Input for a dialing profile: how a campaign group dials. */
export const NewDialingProfileSchema = z
  .object({
    name: NameSchema,
    description: DescriptionSchema,
    /** Dialing mode. @default 'progressive' */
    mode: DialModeSchema.default('progressive'),
    /** @default {} (every pacing default) */
    pacing: PacingSettingsSchema.prefault({}),
    /** Caller ID presented (overrides the tenant's; a list's caller ID wins over this). */
    callerId: CallerIdSchema.optional(),
    /** Ring timeout (ms); at least 15 s, the US safe harbour. @default 25000 */
    ringTimeoutMs: z
      .number()
      .int()
      .min(15_000, 'Ring at least 15 000 ms (15 s, the US safe harbour).')
      .max(120_000)
      .default(25_000),
    /** Answering-machine detection and what to do with machines and faxes. */
    amd: z
      .object({
        /** @default false */
        enabled: z.boolean().default(false),
        /** @default 'drop' */
        machine: AmdHandlingSchema.default('drop'),
        /** @default 'drop' */
        fax: AmdHandlingSchema.default('drop'),
      })
      .prefault({}),
    /**
     * A live answer not bridged to an agent within this many ms gets the abandon
     * message and counts as abandoned (the 2-second rule). @default 2000
     */
    abandonGraceMs: z.number().int().min(0).max(2000, 'At most 2000 ms (the 2-second rule).').default(2000),
    /**
     * Where the grace period starts: when the call is answered, or at the
     * answering-machine verdict (the end of the greeting). Without AMD both are
     * the answer. @default 'verdict'
     */
    graceStart: z.enum(['answer', 'verdict']).default('verdict'),
    /** Retry options per call result or disposition. @default [] (every result finishes the record) */
    treatments: TreatmentListSchema.default([]),
    /**
     * Device escalation: the device indexes (1..10) a record's chain walks, in
     * order. Devices not listed are never dialed. Moving along the chain needs
     * `nextInChain` treatments. @default [1, 2, …, 10]
     */
    deviceOrder: z
      .array(z.number().int().min(1).max(MAX_DEVICES))
      .min(1)
      .max(MAX_DEVICES)
      .refine((order) => new Set(order).size === order.length, 'List each device index once.')
      .default([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    /** Attempts per record (all devices) after which it is finished (the calling list's maximum attempts). @default 10 */
    maxAttempts: z.number().int().min(1).max(1000).default(10),
    /** A personal callback not dialed within this many ms of its time is missed. @default 900000 (15 min) */
    callbackGraceMs: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400_000)
      .default(900_000),
    /** A missed personal callback becomes a campaign callback (any agent), or is kept as MissedCallBack. @default 'campaign' */
    missedCallback: z.enum(['campaign', 'missed']).default('campaign'),
    /** The tenant's default profile, pre-filled into new templates. @default false */
    isDefault: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    if (p.mode !== 'predictive' && p.pacing.optimize.method !== 'abandonRate') {
      ctx.addIssue({
        code: 'custom',
        path: ['pacing', 'optimize'],
        message: `Only predictive mode optimises for ${p.pacing.optimize.method}; use mode "predictive" or optimize { method: "abandonRate" }.`,
      });
    }
  });
export type NewDialingProfile = z.infer<typeof NewDialingProfileSchema>;
export type NewDialingProfileInput = z.input<typeof NewDialingProfileSchema>;
/** A stored dialing profile. */
export type DialingProfile = NewDialingProfile & { id: string; createdAt: number; updatedAt: number };

/** Input for a campaign template: a dialing profile, an agent group and the compliance it carries. */
export const NewCampaignTemplateSchema = z.object({
  name: NameSchema,
  description: DescriptionSchema,
  dialingProfileId: IdSchema,
  /** The agent group that takes the calls (an id the agents port knows). */
  agentGroupId: z.string().trim().min(1).max(128),
  /** Caller ID override for every group of the template. */
  callerId: CallerIdSchema.optional(),
  /**
   * Optional suppression lists attached to the campaign. The tenant's required
   * lists apply to every campaign and need not be listed. @default []
   */
  suppressionListIds: z.array(IdSchema).max(100).default([]),
  /** Optional compliance rules attached by id (required rules always apply). @default [] */
  complianceRuleIds: z.array(z.string().min(1).max(128)).max(500).default([]),
  /** What the campaign is about; attempt rules with `sameKey` count per subject, offer or debt. */
  subjectKey: z.string().min(1).max(128).optional(),
  offerKey: z.string().min(1).max(128).optional(),
  debtKey: z.string().min(1).max(128).optional(),
  /** Suppression list that agents' do-not-call requests are added to; absent = the tenant's "Company DNC" list. */
  doNotCallListId: IdSchema.optional(),
});
export type NewCampaignTemplate = z.infer<typeof NewCampaignTemplateSchema>;
export type NewCampaignTemplateInput = z.input<typeof NewCampaignTemplateSchema>;
/** A stored campaign template. */
export type CampaignTemplate = NewCampaignTemplate & { id: string; createdAt: number; updatedAt: number };

/**
 * States of a campaign group. `unloaded` → load → `loaded` → start →
 * `running` ⇄ pause/resume ⇄ `paused`; stop → `stopping` (calls in progress
 * finish) → `stopped`; `running` → `completed` when no record is left (with
 * `completeIfNoMoreRecords`); `loaded`, `stopped` and `completed` → unload → `unloaded`.
 */
export const CampaignGroupStateSchema = z.enum([
  'unloaded',
  'loaded',
  'running',
  'paused',
  'stopping',
  'stopped',
  'completed',
]);
export type CampaignGroupState = z.infer<typeof CampaignGroupStateSchema>;

/** States in which a campaign runtime drives a group (holds its lease); a group in one of them that nobody holds is taken over. */
export const DRIVEN_GROUP_STATES: readonly CampaignGroupState[] = Object.freeze([
  'loaded',
  'running',
  'paused',
  'stopping',
]);

/** A contact list in a campaign group, with its weight (0–100; 0 pauses the list). */
export const CampaignListRefSchema = z.object({
  listId: IdSchema,
  /** Share of general records taken from this list relative to the others. @default 100 */
  weight: z.number().int().min(0, 'Weights are 0–100.').max(100, 'Weights are 0–100.').default(100),
});
export type CampaignListRef = z.infer<typeof CampaignListRefSchema>;

const pacing = PacingSettingsSchema.shape;
/** Pacing options a live change may set; only the keys present change (no defaults). */
export const PacingOverridesSchema = z.object({
  targetAbandonRate: pacing.targetAbandonRate.unwrap().optional(),
  linesPerAgent: pacing.linesPerAgent.unwrap().optional(),
  maxLinesPerAgent: pacing.maxLinesPerAgent.unwrap().optional(),
  optimize: pacing.optimize.unwrap().optional(),
  maxCallsPerSecond: pacing.maxCallsPerSecond,
  maxChannels: pacing.maxChannels,
});
export type PacingOverrides = z.infer<typeof PacingOverridesSchema>;

/** Live changes to a group's dialing: mode and pacing (applied while running). */
export const CampaignOverridesSchema = z.object({
  mode: DialModeSchema.optional(),
  pacing: PacingOverridesSchema.optional(),
});
export type CampaignOverrides = z.infer<typeof CampaignOverridesSchema>;

const listsField = z
  .array(CampaignListRefSchema)
  .min(1, 'A campaign group needs at least one contact list.')
  .max(100)
  .refine((lists) => new Set(lists.map((l) => l.listId)).size === lists.length, 'List each contact list once.');

/** Input for a campaign group. */
export const NewCampaignGroupSchema = z
  .object({
    name: NameSchema,
    description: DescriptionSchema,
    templateId: IdSchema,
    /** Overrides the template's agent group. */
    agentGroupId: z.string().trim().min(1).max(128).optional(),
    lists: listsField,
    /** A stored selection rule (list rule of kind selection) filtering and ordering the records. */
    selectionRuleId: IdSchema.optional(),
    /** An inline selection (filter and order); give this or `selectionRuleId`. */
    selection: SelectionSchema.optional(),
    /** Live changes of mode and pacing over the profile's. @default {} */
    overrides: CampaignOverridesSchema.default({}),
    /** Finish (state `completed`) when no record is left to dial. @default true */
    completeIfNoMoreRecords: z.boolean().default(true),
  })
  .refine((g) => g.selection === undefined || g.selectionRuleId === undefined, {
    path: ['selection'],
    message: 'Give selectionRuleId or an inline selection, not both.',
  });
export type NewCampaignGroup = z.infer<typeof NewCampaignGroupSchema>;
export type NewCampaignGroupInput = z.input<typeof NewCampaignGroupSchema>;

/**
 * Editable fields of a campaign group; only the keys present change. List and
 * selection changes apply at the next load; overrides apply live.
 */
export const CampaignGroupPatchSchema = z.object({
  name: NameSchema.optional(),
  description: z.string().max(1024).optional(),
  agentGroupId: z.string().trim().min(1).max(128).optional(),
  lists: listsField.optional(),
  selectionRuleId: IdSchema.nullable().optional(),
  selection: SelectionSchema.nullable().optional(),
  overrides: CampaignOverridesSchema.optional(),
  completeIfNoMoreRecords: z.boolean().optional(),
});
export type CampaignGroupPatch = z.input<typeof CampaignGroupPatchSchema>;

/** Why records were left out when a group was loaded, per reason. */
export const LoadExclusionsSchema = z.object({
  /** Contacts the selection did not select. */
  notSelected: z.number().int().nonnegative(),
  /** Contacts every one of whose devices is suppressed (required or campaign lists). */
  suppressed: z.number().int().nonnegative(),
  /** Contacts located only where a location rule forbids calling. */
  locationExcluded: z.number().int().nonnegative(),
  /** Contacts whose location could not be resolved (no zone to check calling hours in). */
  locationUnresolved: z.number().int().nonnegative(),
  /** Contacts with no phone device the profile's device order dials. */
  noDialableDevice: z.number().int().nonnegative(),
});
export type LoadExclusions = z.infer<typeof LoadExclusionsSchema>;

/** Counts of one list when a group was loaded. */
export const ListLoadReportSchema = z.object({
  listId: IdSchema,
  /** Contacts read from the list. */
  contacts: z.number().int().nonnegative(),
  /** Records created by this load. */
  created: z.number().int().nonnegative(),
  /** Records kept from an earlier load (their state is unchanged). */
  kept: z.number().int().nonnegative(),
  excluded: LoadExclusionsSchema,
  /** Devices left out of chains (the contact stays dialable on its other devices), per reason. */
  devicesExcluded: z.object({ suppressed: z.number().int().nonnegative(), location: z.number().int().nonnegative() }),
});
export type ListLoadReport = z.infer<typeof ListLoadReportSchema>;

/** What loading a group found. */
export const LoadReportSchema = z.object({
  at: InstantSchema,
  /** Load generation (1 for the first load). */
  generation: z.number().int().positive(),
  lists: z.array(ListLoadReportSchema),
  /** Records of earlier loads whose contact left the list or the selection (status Stale). */
  retired: z.number().int().nonnegative(),
});
export type LoadReport = z.infer<typeof LoadReportSchema>;

/** A lease on a campaign group: who drives it, until when, and its fencing token. */
export const CampaignLeaseSchema = z.object({
  /** Id of the runtime (node) holding the lease. */
  owner: z.string().min(1).max(128),
  /** Grows by one with every new holder; writes fenced with an older token are refused. */
  token: z.number().int().positive(),
  expiresAt: InstantSchema,
});
export type CampaignLease = z.infer<typeof CampaignLeaseSchema>;

/** A state a node asks the group's current driver to move to (applied by the lease holder). */
export const RequestedStateSchema = z.enum(['running', 'paused', 'stopped', 'unloaded']);
export type RequestedState = z.infer<typeof RequestedStateSchema>;

/** A stored campaign group. */
export type CampaignGroup = NewCampaignGroup & {
  id: string;
  state: CampaignGroupState;
  stateChangedAt: number;
  /** The latest load's report. */
  loadReport?: LoadReport;
  /** A state requested from a node that does not drive the group; the driver applies it. */
  requestedState?: RequestedState;
  lease?: CampaignLease;
  /** Why the group last stopped on its own (an error), if it did. */
  lastError?: { code: string; message: string; at: number };
  /** Grows with every change; updates may require it. */
  version: number;
  createdAt: number;
  updatedAt: number;
};
