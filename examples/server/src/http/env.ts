import type { AuditActor, Role, Session, TenantStores } from '@outpace/core';
import type { ServerDeps } from '../deps.js';

/** Who is calling, once authenticated. */
export interface AuthContext {
  kind: 'user' | 'apiKey';
  actor: AuditActor;
  /** The tenant every request of this caller is scoped to. */
  tenantId: string;
  role: Role;
  /** Platform administrators may also manage tenants. */
  platformAdmin: boolean;
  userId?: string;
  apiKeyId?: string;
  session?: Session;
}

/** Hono environment of the reference server. */
export interface AppEnv {
  Variables: {
    deps: ServerDeps;
    requestId: string;
    auth: AuthContext;
    /** The caller's tenant stores (set by the auth middleware). */
    tenant: TenantStores;
  };
}
