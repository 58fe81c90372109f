import type {
  ApiKey,
  AuditEntry,
  IdentityStore,
  NewUser,
  Page,
  Session,
  TenantIdentityStore,
  User,
} from '@outpace/core';
import { AuditQuerySchema, createId, OutpaceError } from '@outpace/core';
import type { SqlContext } from './context.js';
import { decodeCursor, parseInput, readPageQuery, stripUndefined, toPage } from './context.js';
import { readBool, readJson, readNumber } from './dialect.js';
import { type ApiKeyRow, type AuditRow, identityDb, type SessionRow, type UserRow } from './identity-schema.js';

const opt = (v: number | string | null): number | undefined => (v === null ? undefined : readNumber(v));

function toUser(r: UserRow): User {
  const user: User = {
    id: r.id,
    tenantId: r.tenant_id,
    email: r.email,
    name: r.name,
    role: r.role as User['role'],
    platformAdmin: readBool(r.platform_admin),
    passwordHash: r.password_hash,
    disabled: readBool(r.disabled),
    createdAt: readNumber(r.created_at),
    updatedAt: readNumber(r.updated_at),
  };
  const last = opt(r.last_login_at);
  if (last !== undefined) user.lastLoginAt = last;
  return user;
}

function toSession(r: SessionRow): Session {
  return stripUndefined({
    id: r.id,
    tokenHash: r.token_hash,
    csrfTokenHash: r.csrf_token_hash,
    userId: r.user_id,
    tenantId: r.tenant_id,
    createdAt: readNumber(r.created_at),
    expiresAt: readNumber(r.expires_at),
    lastSeenAt: readNumber(r.last_seen_at),
    ip: r.ip ?? undefined,
    userAgent: r.user_agent ?? undefined,
  });
}

function toApiKey(r: ApiKeyRow): ApiKey {
  return stripUndefined({
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    role: r.role as ApiKey['role'],
    prefix: r.prefix,
    secretHash: r.secret_hash,
    createdBy: r.created_by,
    createdAt: readNumber(r.created_at),
    lastUsedAt: opt(r.last_used_at),
    expiresAt: opt(r.expires_at),
    revokedAt: opt(r.revoked_at),
  });
}

function toAudit(r: AuditRow): AuditEntry {
  const doc = readJson<{ before?: unknown; after?: unknown }>(r.doc);
  return stripUndefined({
    id: r.id,
    tenantId: r.tenant_id === '' ? null : r.tenant_id,
    at: readNumber(r.at),
    actor: { kind: r.actor_kind as AuditEntry['actor']['kind'], id: r.actor_id, label: r.actor_label },
    action: r.action,
    target: stripUndefined({ type: r.target_type, id: r.target_id ?? undefined }),
    ip: r.ip ?? undefined,
    requestId: r.request_id ?? undefined,
    summary: r.summary,
    before: doc.before,
    after: doc.after,
  });
}

const isUniqueViolation = (error: unknown) => /unique|duplicate key/i.test(String((error as Error)?.message ?? error));

/** Users, sessions, API keys and the audit log of a SQL store. */
export function createSqlIdentity(ctx: SqlContext): {
  identity: IdentityStore;
  forTenant(tenantId: string): TenantIdentityStore;
} {
  const { dialect, clock } = ctx;
  const db = async () => identityDb(await ctx.db());

  const userValues = (u: Omit<User, 'id' | 'createdAt' | 'updatedAt'>) => ({
    tenant_id: u.tenantId,
    email: u.email,
    name: u.name,
    role: u.role,
    platform_admin: dialect.bool(u.platformAdmin),
    password_hash: u.passwordHash,
    disabled: dialect.bool(u.disabled),
    last_login_at: u.lastLoginAt ?? null,
  });

  const createUser = async (input: NewUser): Promise<User> => {
    const now = clock.now();
    const user: User = {
      ...input,
      email: input.email.trim().toLowerCase(),
      id: createId('usr', clock),
      createdAt: now,
      updatedAt: now,
    };
    try {
      await (await db())
        .insertInto('outpace_users')
        .values({ id: user.id, ...userValues(user), created_at: now, updated_at: now })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new OutpaceError('CONFLICT', `A user with email "${user.email}" already exists; choose another email.`);
      }
      throw error;
    }
    return user;
  };

  const getUser = async (id: string, tenantId?: string) => {
    let q = (await db()).selectFrom('outpace_users').selectAll().where('id', '=', id);
    if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
    const row = await q.executeTakeFirst();
    return row === undefined ? undefined : toUser(row);
  };

  const updateUser = async (id: string, patch: Partial<Omit<User, 'id' | 'createdAt'>>, tenantId?: string) => {
    const current = await getUser(id, tenantId);
    if (current === undefined) throw new OutpaceError('NOT_FOUND', `User "${id}" does not exist.`);
    const next: User = {
      ...current,
      ...stripUndefined(patch),
      id,
      createdAt: current.createdAt,
      updatedAt: clock.now(),
    };
    next.email = next.email.trim().toLowerCase();
    try {
      await (await db())
        .updateTable('outpace_users')
        .set({ ...userValues(next), updated_at: next.updatedAt })
        .where('id', '=', id)
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new OutpaceError('CONFLICT', `A user with email "${next.email}" already exists; choose another email.`);
      }
      throw error;
    }
    return next;
  };

  const listUsers = async (
    query: { after?: string | undefined; limit?: number | undefined } | undefined,
    tenantId: string | null | undefined,
  ): Promise<Page<User>> => {
    const { limit, after } = readPageQuery(stripUndefined({ after: query?.after, limit: query?.limit }));
    let q = (await db())
      .selectFrom('outpace_users')
      .selectAll()
      .orderBy('id')
      .limit(limit + 1);
    if (tenantId === null) q = q.where('tenant_id', 'is', null);
    else if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
    if (after !== undefined) q = q.where('id', '>', String(after[0]));
    return toPage((await q.execute()).map(toUser), limit, (u) => [u.id]);
  };

  const appendAudit = async (entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> => {
    const stored: AuditEntry = { ...entry, id: createId('aud', clock) };
    await (await db())
      .insertInto('outpace_audit')
      .values({
        id: stored.id,
        tenant_id: stored.tenantId ?? '',
        at: stored.at,
        actor_kind: stored.actor.kind,
        actor_id: stored.actor.id,
        actor_label: stored.actor.label,
        action: stored.action,
        target_type: stored.target.type,
        target_id: stored.target.id ?? null,
        ip: stored.ip ?? null,
        request_id: stored.requestId ?? null,
        summary: stored.summary,
        doc: dialect.json(stripUndefined({ before: stored.before, after: stored.after })),
      })
      .execute();
    return stored;
  };

  const identity: IdentityStore = {
    async findUserByEmail(email) {
      const row = await (await db())
        .selectFrom('outpace_users')
        .selectAll()
        .where('email', '=', email.trim().toLowerCase())
        .executeTakeFirst();
      return row === undefined ? undefined : toUser(row);
    },
    getUser: (id) => getUser(id),
    createUser,
    updateUser: (id, patch) => updateUser(id, patch),
    listUsers: (query) => listUsers(query, query?.tenantId),
    async createSession(session) {
      const stored: Session = { ...session, id: createId('ses', clock) };
      await (await db())
        .insertInto('outpace_sessions')
        .values({
          id: stored.id,
          token_hash: stored.tokenHash,
          csrf_token_hash: stored.csrfTokenHash,
          user_id: stored.userId,
          tenant_id: stored.tenantId,
          created_at: stored.createdAt,
          expires_at: stored.expiresAt,
          last_seen_at: stored.lastSeenAt,
          ip: stored.ip ?? null,
          user_agent: stored.userAgent ?? null,
        })
        .execute();
      return stored;
    },
    async findSessionByTokenHash(tokenHash) {
      const row = await (await db())
        .selectFrom('outpace_sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row === undefined ? undefined : toSession(row);
    },
    async touchSession(id, lastSeenAt, expiresAt) {
      await (await db())
        .updateTable('outpace_sessions')
        .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
        .where('id', '=', id)
        .execute();
    },
    async deleteSession(id) {
      await (await db()).deleteFrom('outpace_sessions').where('id', '=', id).execute();
    },
    async deleteSessionsOfUser(userId) {
      await (await db()).deleteFrom('outpace_sessions').where('user_id', '=', userId).execute();
    },
    async findApiKeyBySecretHash(secretHash) {
      const row = await (await db())
        .selectFrom('outpace_api_keys')
        .selectAll()
        .where('secret_hash', '=', secretHash)
        .executeTakeFirst();
      return row === undefined ? undefined : toApiKey(row);
    },
    async touchApiKey(id, lastUsedAt) {
      await (await db())
        .updateTable('outpace_api_keys')
        .set({ last_used_at: lastUsedAt })
        .where('id', '=', id)
        .execute();
    },
    appendAudit,
  };

  const forTenant = (tenantId: string): TenantIdentityStore => ({
    listUsers: (query) => listUsers(query, tenantId),
    getUser: (id) => getUser(id, tenantId),
    createUser: (input) => createUser({ ...input, tenantId, platformAdmin: false }),
    updateUser: (id, patch) => updateUser(id, patch, tenantId),
    async deleteUser(id) {
      const d = await db();
      const result = await d
        .deleteFrom('outpace_users')
        .where('id', '=', id)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return false;
      await d.deleteFrom('outpace_sessions').where('user_id', '=', id).execute();
      return true;
    },
    async listApiKeys(query) {
      const { limit, after } = readPageQuery(query);
      let q = (await db())
        .selectFrom('outpace_api_keys')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .limit(limit + 1);
      if (after !== undefined) q = q.where('id', '>', String(after[0]));
      return toPage((await q.execute()).map(toApiKey), limit, (k) => [k.id]);
    },
    async createApiKey(key) {
      const stored: ApiKey = { ...key, id: createId('key', clock), tenantId, createdAt: clock.now() };
      await (await db())
        .insertInto('outpace_api_keys')
        .values({
          id: stored.id,
          tenant_id: tenantId,
          name: stored.name,
          role: stored.role,
          prefix: stored.prefix,
          secret_hash: stored.secretHash,
          created_by: stored.createdBy,
          created_at: stored.createdAt,
          last_used_at: stored.lastUsedAt ?? null,
          expires_at: stored.expiresAt ?? null,
          revoked_at: stored.revokedAt ?? null,
        })
        .execute();
      return stored;
    },
    async revokeApiKey(id, at) {
      const d = await db();
      const row = await d
        .selectFrom('outpace_api_keys')
        .selectAll()
        .where('id', '=', id)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      if (row.revoked_at === null) {
        await d.updateTable('outpace_api_keys').set({ revoked_at: at }).where('id', '=', id).execute();
        row.revoked_at = at;
      }
      return toApiKey(row);
    },
    appendAudit: (entry) => appendAudit({ ...entry, tenantId }),
    async listAudit(query) {
      const q = parseInput(AuditQuerySchema, stripUndefined(query ?? {}), 'Audit query');
      let s = (await db())
        .selectFrom('outpace_audit')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(q.limit + 1);
      if (q.actorId !== undefined) s = s.where('actor_id', '=', q.actorId);
      if (q.action !== undefined) {
        // `user` matches `user` and `user.*`: '/' is the character after '.'.
        const action = q.action;
        s = s.where((eb) =>
          eb.or([
            eb('action', '=', action),
            eb.and([eb('action', '>', `${action}.`), eb('action', '<', `${action}/`)]),
          ]),
        );
      }
      if (q.targetType !== undefined) s = s.where('target_type', '=', q.targetType);
      if (q.targetId !== undefined) s = s.where('target_id', '=', q.targetId);
      if (q.from !== undefined) s = s.where('at', '>=', q.from);
      if (q.to !== undefined) s = s.where('at', '<', q.to);
      if (q.after !== undefined) {
        const [at, id] = decodeCursor(q.after, 2) as [number, string];
        s = s.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
      }
      return toPage((await s.execute()).map(toAudit), q.limit, (e) => [e.at, e.id]);
    },
  });

  return { identity, forTenant };
}
