import { createHmac } from 'node:crypto';
import { type Role, RoleSchema } from '@outpace/core';
import type { Context } from 'hono';
import type { ServerDeps } from '../deps.js';
import type { AuthContext } from '../http/env.js';

/**
 * Who uses the console when a host platform signs its users in itself (see
 * `ConsoleOptions.principal`). The host maps its own session to these fields.
 */
export interface ConsolePrincipal {
  /** The Outpace tenant the user works in (an existing tenant id); every page and change is scoped to it. */
  tenantId: string;
  /** The host's stable id of the user; it goes into the audit log as the actor. */
  userId: string;
  /** The user's Outpace role (`admin`, `supervisor` or `analyst`); pages and actions follow its permissions. */
  role: Role;
  /** The name shown in the top bar and the audit log. @default userId */
  label?: string;
  /**
   * The host's id of the user's current session. The console's CSRF token is
   * derived from it, so the token changes with every host session; without it
   * the token only changes with the user.
   */
  sessionId?: string;
}

/**
 * Resolves the host's principal of a request: `undefined` when nobody is
 * signed in to the host. Called on every console request.
 */
export type ConsolePrincipalHook = (c: Context) => Promise<ConsolePrincipal | undefined>;

/**
 * Checks what the host's hook returned and turns it into the request's auth
 * context. Throws an error naming the bad value (a host wiring mistake, not a
 * user's): an unknown tenant, a role that is not one of Outpace's, an empty id.
 */
export async function principalAuth(deps: ServerDeps, principal: ConsolePrincipal): Promise<AuthContext> {
  const where = 'createConsole({ principal }) returned';
  if (typeof principal.userId !== 'string' || principal.userId === '') {
    throw new Error(`${where} userId ${JSON.stringify(principal.userId)}; return the host's non-empty user id.`);
  }
  const role = RoleSchema.safeParse(principal.role);
  if (!role.success) {
    throw new Error(
      `${where} role ${JSON.stringify(principal.role)} for user "${principal.userId}"; use one of ${RoleSchema.options.join(', ')}.`,
    );
  }
  const tenant =
    typeof principal.tenantId === 'string' && principal.tenantId !== ''
      ? await deps.store.tenants.get(principal.tenantId)
      : undefined;
  if (tenant === undefined) {
    throw new Error(
      `${where} tenant ${JSON.stringify(principal.tenantId)} for user "${principal.userId}", which does not exist; create the tenant first (POST /api/v1/tenants) and map the host's account to its id.`,
    );
  }
  const label = principal.label ?? principal.userId;
  return {
    kind: 'user',
    actor: { kind: 'user', id: principal.userId, label },
    tenantId: tenant.id,
    role: role.data,
    platformAdmin: false,
    userId: principal.userId,
  };
}

/** The CSRF token of a host principal: an HMAC of tenant, user and host session under the server's key. */
export function principalCsrfToken(deps: ServerDeps, principal: ConsolePrincipal): string {
  return createHmac('sha256', deps.csrfKey)
    .update(`embed\0${principal.tenantId}\0${principal.userId}\0${principal.sessionId ?? ''}`)
    .digest('base64url');
}
