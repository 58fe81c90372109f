import type { Context } from 'hono';
import type { AppEnv } from './env.js';

const SECRET_KEY = /pass(word|phrase)?|secret|private.?key|token|hash|credential/i;

/** Copies a value with every secret-looking property replaced by "[redacted]". */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

/** What changed, for the audit log. */
export interface AuditInput {
  action: string;
  target: { type: string; id?: string | undefined };
  summary: string;
  before?: unknown;
  after?: unknown;
}

/** The caller's address as seen by the server (first X-Forwarded-For hop when present). */
export function clientIp(c: Context<AppEnv>): string | undefined {
  const forwarded = c.req.header('x-forwarded-for');
  if (forwarded) return forwarded.split(',')[0]?.trim();
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}

/** Appends an audit entry for the authenticated caller's change. Secrets are redacted. */
export async function audit(c: Context<AppEnv>, input: AuditInput): Promise<void> {
  const deps = c.get('deps');
  const auth = c.get('auth');
  await deps.tenantIdentity(auth.tenantId).appendAudit({
    at: deps.clock.now(),
    actor: auth.actor,
    action: input.action,
    target: input.target,
    ip: clientIp(c),
    requestId: c.get('requestId'),
    summary: input.summary,
    before: redact(input.before),
    after: redact(input.after),
  });
}
