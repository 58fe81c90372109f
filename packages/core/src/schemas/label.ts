import { z } from 'zod';
import { OtherKeySchema } from './contact.js';

/** A labeling schema: display names for the Other fields (`other21` → `Balance`). */
export const NewLabelSchemaSchema = z.object({
  name: z.string().trim().min(1).max(128),
  /** Label per Other field. */
  labels: z.record(OtherKeySchema, z.string().trim().min(1).max(64)),
  /** Show labels instead of OtherN in rule field pickers. @default true */
  display: z.boolean().default(true),
});
export type NewLabelSchema = z.infer<typeof NewLabelSchemaSchema>;
export type NewLabelSchemaInput = z.input<typeof NewLabelSchemaSchema>;

/** A stored labeling schema. */
export type LabelSchema = NewLabelSchema & { id: string; createdAt: number; updatedAt: number };
