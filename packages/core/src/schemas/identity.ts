import { z } from 'zod';
import { IdSchema, InstantSchema } from './common.js';

/**
 * Roles inside a tenant. `admin` manages everything including users and keys;
 * `supervisor` runs lists, compliance and campaigns; `analyst` only reads.
 * Platform administrators are users without a tenant.
 */
export const RoleSchema = z.enum(['admin', 'supervisor', 'analyst']);
export type Role = z.infer<typeof RoleSchema>;

/** An email address, compared case-insensitively (stored lower-cased). */
export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('Use an email address such as "ops@example.com".'));

/** A user as stored. `passwordHash` is a self-describing scrypt hash, never the password. */
export const UserSchema = z.object({
  id: IdSchema,
  /** Owning tenant; `null` for a platform administrator. */
  tenantId: IdSchema.nullable(),
  email: EmailSchema,
  name: z.string().trim().min(1).max(128),
  role: RoleSchema,
  /** True for platform administrators (who may manage tenants). */
  platformAdmin: z.boolean().default(false),
  passwordHash: z.string(),
  disabled: z.boolean().default(false),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
  lastLoginAt: InstantSchema.optional(),
});
export type User = z.infer<typeof UserSchema>;
export type NewUser = Omit<User, 'id' | 'createdAt' | 'updatedAt' | 'lastLoginAt'>;

/** A browser session. Only hashes of the session token and CSRF token are stored. */
export interface Session {
  id: string;
  tokenHash: string;
  csrfTokenHash: string;
  userId: string;
  tenantId: string | null;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** An API key. The secret is shown once at creation; only its hash is stored. */
export interface ApiKey {
  id: string;
  tenantId: string;
  name: string;
  role: Role;
  /** First characters of the key, shown in listings to recognise it. */
  prefix: string;
  secretHash: string;
  createdBy: string;
  createdAt: number;
  lastUsedAt?: number | undefined;
  expiresAt?: number | undefined;
  revokedAt?: number | undefined;
}

/** Who did something: a user, an API key or the system (scheduler, runtime). */
export interface AuditActor {
  kind: 'user' | 'apiKey' | 'system';
  id: string;
  /** Email, key name or job name, for display. */
  label: string;
}

/**
 * One audited change: who, what, when, from where, and a summary of the state
 * before and after (secrets redacted).
 */
export interface AuditEntry {
  id: string;
  tenantId: string | null;
  at: number;
  actor: AuditActor;
  /** Dotted verb such as `list.create`, `campaignGroup.start`, `user.login`. */
  action: string;
  target: { type: string; id?: string | undefined };
  ip?: string | undefined;
  requestId?: string | undefined;
  /** Human-readable one-liner. */
  summary: string;
  before?: unknown;
  after?: unknown;
}

/** Filters of the audit log. */
export const AuditQuerySchema = z.object({
  actorId: z.string().optional(),
  action: z.string().optional(),
  targetType: z.string().optional(),
  targetId: z.string().optional(),
  from: InstantSchema.optional(),
  to: InstantSchema.optional(),
  after: z.string().optional(),
  limit: z.number().int().min(1).max(1000).default(50),
});
export type AuditQuery = z.input<typeof AuditQuerySchema>;
