import type { Page, PageQuery } from '../schemas/common.js';
import type { ApiKey, AuditEntry, AuditQuery, NewUser, Session, User } from '../schemas/identity.js';

/**
 * Credential lookups that happen before the tenant is known (login by email,
 * a session cookie, an API key). Platform level; everything else about users
 * is reached through a tenant's {@link TenantIdentityStore}.
 */
export interface IdentityStore {
  findUserByEmail(email: string): Promise<User | undefined>;
  getUser(id: string): Promise<User | undefined>;
  /** Creates a user of any tenant, or a platform administrator (tenantId null). Throws `CONFLICT` for a taken email. */
  createUser(user: NewUser): Promise<User>;
  updateUser(id: string, patch: Partial<Omit<User, 'id' | 'createdAt'>>): Promise<User>;
  /** Platform administrators and every tenant's users (for platform administration). */
  listUsers(query?: PageQuery & { tenantId?: string | null }): Promise<Page<User>>;
  createSession(session: Omit<Session, 'id'>): Promise<Session>;
  findSessionByTokenHash(tokenHash: string): Promise<Session | undefined>;
  touchSession(id: string, lastSeenAt: number, expiresAt: number): Promise<void>;
  deleteSession(id: string): Promise<void>;
  deleteSessionsOfUser(userId: string): Promise<void>;
  findApiKeyBySecretHash(secretHash: string): Promise<ApiKey | undefined>;
  touchApiKey(id: string, lastUsedAt: number): Promise<void>;
  /** Platform-level audit entries (tenant creation, platform logins). */
  appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry>;
}

/** A tenant's users, API keys and audit log. */
export interface TenantIdentityStore {
  listUsers(query?: PageQuery): Promise<Page<User>>;
  getUser(id: string): Promise<User | undefined>;
  /** Creates a user of this tenant. Throws `CONFLICT` for a taken email. */
  createUser(user: Omit<NewUser, 'tenantId' | 'platformAdmin'>): Promise<User>;
  updateUser(
    id: string,
    patch: Partial<Pick<User, 'name' | 'role' | 'disabled' | 'passwordHash' | 'email'>>,
  ): Promise<User>;
  deleteUser(id: string): Promise<boolean>;
  listApiKeys(query?: PageQuery): Promise<Page<ApiKey>>;
  createApiKey(key: Omit<ApiKey, 'id' | 'tenantId' | 'createdAt'>): Promise<ApiKey>;
  revokeApiKey(id: string, at: number): Promise<ApiKey | undefined>;
  appendAudit(entry: Omit<AuditEntry, 'id' | 'tenantId'>): Promise<AuditEntry>;
  listAudit(query?: AuditQuery): Promise<Page<AuditEntry>>;
}
