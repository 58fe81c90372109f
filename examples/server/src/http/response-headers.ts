import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';

/**
 * The security headers of every response: what Hono's `secureHeaders()` sets
 * with its defaults and the console's Content-Security-Policy (`default-src
 * 'self'; img-src 'self' data:`), in its order. test/response-headers.test.ts
 * checks that they still equal secureHeaders()'s output.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'SAMEORIGIN',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-XSS-Protection': '0',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:",
});

const SECURITY_ENTRIES = Object.entries(SECURITY_HEADERS);
/** Lower-cased names a handler's own header may not keep: ours overwrite them, X-Powered-By is removed. */
const REPLACED = new Set(
  [...Object.keys(SECURITY_HEADERS), 'X-Request-Id', 'X-Powered-By'].map((k) => k.toLowerCase()),
);
const TEXT_PLAIN = 'text/plain; charset=UTF-8';

type PlainHeaders = Record<string, string | string[]>;
type ResponseCache = [status: number, body: unknown, headers: PlainHeaders | undefined];

let cacheKey: symbol | undefined;

/**
 * The still-unbuilt state of a response made by @hono/node-server's
 * lightweight `Response` (`[status, body, headers]` under its own symbol)
 * while its headers are a plain record. Adding to that record keeps the whole
 * response free of WHATWG `Headers` objects, which cost more (validation on
 * every set, sorting on iteration) than the rest of a small API response's
 * headers together. Undefined for any other response (a test's
 * `app.request()`, a body already read, headers already built): those take
 * the `Headers` path.
 */
function plainCache(res: Response): ResponseCache | undefined {
  if (cacheKey === undefined) {
    cacheKey = Object.getOwnPropertySymbols(res).find((s) => s.description === 'cache');
    if (cacheKey === undefined) return undefined;
  }
  const cache = (res as unknown as Record<symbol, unknown>)[cacheKey];
  if (!Array.isArray(cache) || cache.length !== 3) return undefined;
  const headers = cache[2] as unknown;
  if (headers !== undefined && (typeof headers !== 'object' || headers === null || Array.isArray(headers)))
    return undefined;
  if (headers !== undefined && Object.getPrototypeOf(headers) !== Object.prototype) return undefined;
  return cache as ResponseCache;
}

/**
 * Gives the request its id (`X-Request-Id` as sent, up to 64 characters, or a
 * new UUID) and every response the {@link SECURITY_HEADERS} (overwriting a
 * handler's own value of one, as `secureHeaders()` does), `X-Request-Id`, and
 * no `X-Powered-By`.
 */
export function responseHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 64) ?? randomUUID();
    c.set('requestId', requestId);
    await next();
    const res = c.res;
    const cache = plainCache(res);
    if (cache !== undefined) {
      const own = cache[2];
      const merged: PlainHeaders = {};
      if (own === undefined) {
        // What @hono/node-server writes for a body without headers.
        if (cache[1] !== null) merged['Content-Type'] = TEXT_PLAIN;
      } else {
        for (const name in own) if (!REPLACED.has(name.toLowerCase())) merged[name] = own[name]!;
      }
      for (const [name, value] of SECURITY_ENTRIES) merged[name] = value;
      merged['X-Request-Id'] = requestId;
      cache[2] = merged;
      return;
    }
    const headers = res.headers;
    for (const [name, value] of SECURITY_ENTRIES) headers.set(name, value);
    headers.delete('X-Powered-By');
    headers.set('X-Request-Id', requestId);
  };
}
