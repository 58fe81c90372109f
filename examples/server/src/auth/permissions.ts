import type { Role } from '@outpace/core';

/**
 * Every permission a route can require. Read permissions never allow a change;
 * `compliance:check` is a read (the decision simulator changes nothing).
 */
export const PERMISSIONS = [
  'settings:read',
  'settings:write',
  'users:read',
  'users:write',
  'apiKeys:read',
  'apiKeys:write',
  'audit:read',
  'lists:read',
  'lists:write',
  'suppression:read',
  'suppression:write',
  'rules:read',
  'rules:write',
  'automations:read',
  'automations:write',
  'automations:run',
  'compliance:read',
  'compliance:write',
  'compliance:check',
  'campaigns:read',
  'campaigns:write',
  'campaigns:control',
  'reports:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READS: Permission[] = PERMISSIONS.filter((p) => p.endsWith(':read') || p === 'compliance:check');

/**
 * The permission matrix: which role holds which permission. `admin` holds all;
 * `supervisor` runs lists, compliance and campaigns but manages no users, keys
 * or tenant settings; `analyst` only reads (and may run the compliance
 * simulator). Platform administrators additionally manage tenants.
 */
export const PERMISSION_MATRIX: Readonly<Record<Role, ReadonlySet<Permission>>> = Object.freeze({
  admin: new Set(PERMISSIONS),
  supervisor: new Set(
    PERMISSIONS.filter(
      (p) => !['settings:write', 'users:read', 'users:write', 'apiKeys:read', 'apiKeys:write'].includes(p),
    ),
  ),
  analyst: new Set(READS.filter((p) => !['users:read', 'apiKeys:read', 'audit:read'].includes(p))),
});

/** True when `role` holds `permission`. */
export function can(role: Role, permission: Permission): boolean {
  return PERMISSION_MATRIX[role].has(permission);
}
