import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import { z } from 'zod';
import { requirePermission, requirePlatformAdmin } from '../auth/middleware.js';
import type { Permission } from '../auth/permissions.js';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';

/** The error body, documented once. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

/** Standard error responses every authenticated route documents. */
export const standardErrors = {
  400: errorResponse('Invalid input: the details name each field and the fix.'),
  401: errorResponse('Not authenticated.'),
  403: errorResponse('Authenticated but not allowed (role or CSRF).'),
  404: errorResponse('Not found in this tenant.'),
} as const;

/** A JSON response entry for createRoute. */
export function json<T extends z.ZodType>(schema: T, description = 'OK') {
  return { description, content: { 'application/json': { schema } } } as const;
}

/** A JSON request body entry for createRoute. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { 'application/json': { schema } } } } as const;
}

/** A page of items with the cursor of the next one. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Query of keyset-paged listings. */
export const PageQueryParams = z.object({
  after: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

/** A path with one `{id}`. */
export const IdParams = z.object({ id: z.string().min(1).max(64) });

/**
 * Declares a route that requires `permission` (`public`: no check; `platform`:
 * a platform administrator): the permission check runs
 * before validation, and the permission is recorded in the OpenAPI document
 * (`x-permission`) so the permission-matrix and cross-tenant tests can walk
 * every route.
 */
export function route<R extends Omit<RouteConfig, 'middleware'>>(
  permission: Permission | 'public' | 'platform',
  config: R,
) {
  const guard =
    permission === 'public'
      ? undefined
      : permission === 'platform'
        ? requirePlatformAdmin()
        : requirePermission(permission);
  return createRoute({
    ...config,
    responses: { ...standardErrors, ...config.responses },
    ...(guard === undefined ? {} : { middleware: [guard] as const }),
    'x-permission': permission,
  } as unknown as R);
}

/** A router whose validation failures use the API's error shape. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({
          path: i.path.join('.'),
          code: i.code,
          message: i.message,
        }));
        const first = issues[0];
        throw new ApiError(
          400,
          'VALIDATION_FAILED',
          first === undefined
            ? 'Invalid request.'
            : `Invalid ${result.target} at "${first.path || '(root)'}": ${first.message}`,
          { target: result.target, issues },
        );
      }
    },
  });
}
