import type {
  ApiKey,
  AuditEntry,
  AuditQuery,
  Clock,
  IdentityStore,
  NewUser,
  Page,
  PageQuery,
  Session,
  TenantIdentityStore,
  User,
} from '@outpace/core';
import { AuditQuerySchema, createId, OutpaceError, PageQuerySchema } from '@outpace/core';

/** Users, sessions, API keys and audit entries of a memory store. */
export interface MemoryIdentity {
  identity: IdentityStore;
  forTenant(tenantId: string): TenantIdentityStore;
}

// Keyset paging over id-ordered values (ids are time-ordered).
function page<T extends { id: string }>(items: Iterable<T>, query: PageQuery | undefined): Page<T> {
  const { after, limit } = PageQuerySchema.parse(query ?? {});
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const start = after === undefined ? 0 : sorted.findIndex((i) => i.id > after);
  const slice = start < 0 ? [] : sorted.slice(start, start + limit);
  const last = slice.at(-1);
  return {
    items: slice,
    nextCursor: slice.length === limit && last !== undefined && start + limit < sorted.length ? last.id : null,
  };
}

const clone = <T>(value: T): T => structuredClone(value);

const encodeAuditCursor = (e: AuditEntry) => Buffer.from(JSON.stringify([e.at, e.id])).toString('base64url');
function decodeAuditCursor(cursor: string): { at: number; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'number' && typeof id === 'string') return { at, id };
  } catch {}
  throw new OutpaceError(
    'VALIDATION_FAILED',
    `Cursor "${cursor}" was not returned by the audit log; omit it to start over.`,
  );
}

/**
 * Creates the identity part of the memory store. Tenant-scoped views filter on
 * the tenant id so one tenant never sees another's users, keys or audit log.
 */
export function createMemoryIdentity(clock: Clock): MemoryIdentity {
  const users = new Map<string, User>();
  const sessions = new Map<string, Session>();
  const apiKeys = new Map<string, ApiKey>();
  const audit = new Map<string, AuditEntry>();

  const emailTaken = (email: string, exceptId?: string) =>
    [...users.values()].some((u) => u.email === email && u.id !== exceptId);

  const createUser = async (input: NewUser): Promise<User> => {
    if (emailTaken(input.email)) {
      throw new OutpaceError('CONFLICT', `A user with email "${input.email}" already exists; choose another email.`);
    }
    const now = clock.now();
    const user: User = {
      ...input,
      email: input.email.trim().toLowerCase(),
      id: createId('usr', clock),
      createdAt: now,
      updatedAt: now,
    };
    if (emailTaken(user.email)) {
      throw new OutpaceError('CONFLICT', `A user with email "${user.email}" already exists; choose another email.`);
    }
    users.set(user.id, user);
    return clone(user);
  };

  const updateUser = async (id: string, patch: Partial<Omit<User, 'id' | 'createdAt'>>, tenantId?: string) => {
    const user = users.get(id);
    if (user === undefined || (tenantId !== undefined && user.tenantId !== tenantId)) {
      throw new OutpaceError('NOT_FOUND', `User "${id}" does not exist.`);
    }
    if (patch.email !== undefined && emailTaken(patch.email, id)) {
      throw new OutpaceError('CONFLICT', `A user with email "${patch.email}" already exists; choose another email.`);
    }
    const next: User = { ...user, ...patch, id, createdAt: user.createdAt, updatedAt: clock.now() };
    next.email = next.email.trim().toLowerCase();
    users.set(id, next);
    return clone(next);
  };

  const appendAudit = async (entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> => {
    const stored: AuditEntry = { ...clone(entry), id: createId('aud', clock) };
    audit.set(stored.id, stored);
    return clone(stored);
  };

  const identity: IdentityStore = {
    async findUserByEmail(email) {
      const lower = email.trim().toLowerCase();
      const user = [...users.values()].find((u) => u.email === lower);
      return user && clone(user);
    },
    async getUser(id) {
      const user = users.get(id);
      return user && clone(user);
    },
    createUser,
    updateUser: (id, patch) => updateUser(id, patch),
    async listUsers(query) {
      const tenantId = query?.tenantId;
      const all = [...users.values()].filter((u) => tenantId === undefined || u.tenantId === tenantId);
      return page(all.map(clone), query);
    },
    async createSession(session) {
      const stored: Session = { ...session, id: createId('ses', clock) };
      sessions.set(stored.id, stored);
      return clone(stored);
    },
    async findSessionByTokenHash(tokenHash) {
      const found = [...sessions.values()].find((s) => s.tokenHash === tokenHash);
      return found && clone(found);
    },
    async touchSession(id, lastSeenAt, expiresAt) {
      const s = sessions.get(id);
      if (s !== undefined) sessions.set(id, { ...s, lastSeenAt, expiresAt });
    },
    async deleteSession(id) {
      sessions.delete(id);
    },
    async deleteSessionsOfUser(userId) {
      for (const [id, s] of sessions) if (s.userId === userId) sessions.delete(id);
    },
    async findApiKeyBySecretHash(secretHash) {
      const found = [...apiKeys.values()].find((k) => k.secretHash === secretHash);
      return found && clone(found);
    },
    async touchApiKey(id, lastUsedAt) {
      const k = apiKeys.get(id);
      if (k !== undefined) apiKeys.set(id, { ...k, lastUsedAt });
    },
    appendAudit,
  };

  const forTenant = (tenantId: string): TenantIdentityStore => ({
    async listUsers(query) {
      return page([...users.values()].filter((u) => u.tenantId === tenantId).map(clone), query);
    },
    async getUser(id) {
      const user = users.get(id);
      return user !== undefined && user.tenantId === tenantId ? clone(user) : undefined;
    },
    createUser: (input) => createUser({ ...input, tenantId, platformAdmin: false }),
    updateUser: (id, patch) => updateUser(id, patch, tenantId),
    async deleteUser(id) {
      const user = users.get(id);
      if (user === undefined || user.tenantId !== tenantId) return false;
      users.delete(id);
      for (const [sid, s] of sessions) if (s.userId === id) sessions.delete(sid);
      return true;
    },
    async listApiKeys(query) {
      return page([...apiKeys.values()].filter((k) => k.tenantId === tenantId).map(clone), query);
    },
    async createApiKey(key) {
      const stored: ApiKey = { ...key, id: createId('key', clock), tenantId, createdAt: clock.now() };
      apiKeys.set(stored.id, stored);
      return clone(stored);
    },
    async revokeApiKey(id, at) {
      const key = apiKeys.get(id);
      if (key === undefined || key.tenantId !== tenantId) return undefined;
      const next = { ...key, revokedAt: key.revokedAt ?? at };
      apiKeys.set(id, next);
      return clone(next);
    },
    appendAudit: (entry) => appendAudit({ ...entry, tenantId }),
    async listAudit(query?: AuditQuery) {
      const q = AuditQuerySchema.parse(query ?? {});
      const matching = [...audit.values()]
        .filter(
          (e) =>
            e.tenantId === tenantId &&
            (q.actorId === undefined || e.actor.id === q.actorId) &&
            (q.action === undefined || e.action === q.action || e.action.startsWith(`${q.action}.`)) &&
            (q.targetType === undefined || e.target.type === q.targetType) &&
            (q.targetId === undefined || e.target.id === q.targetId) &&
            (q.from === undefined || e.at >= q.from) &&
            (q.to === undefined || e.at < q.to),
        )
        .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
      // Newest first: the cursor is the position (at, id) of the last entry seen.
      const cursor = q.after === undefined ? undefined : decodeAuditCursor(q.after);
      const start =
        cursor === undefined
          ? 0
          : matching.findIndex((e) => e.at < cursor.at || (e.at === cursor.at && e.id < cursor.id));
      const slice = start < 0 ? [] : matching.slice(start, start + q.limit);
      const last = slice.at(-1);
      return {
        items: slice.map(clone),
        nextCursor: last !== undefined && start + q.limit < matching.length ? encodeAuditCursor(last) : null,
      };
    },
  });

  return { identity, forTenant };
}
