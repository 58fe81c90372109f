import type { ApiKey } from '@outpace/core';
import type { ServerDeps } from '../deps.js';

/** How long a looked-up API key is trusted before the store is asked again (another node's revocation arrives within it). */
export const API_KEY_CACHE_MS = 2000;
const MAX_ENTRIES = 10_000;

interface Entry {
  key: ApiKey;
  loadedAt: number;
}

const caches = new WeakMap<ServerDeps, Map<string, Entry>>();

function cacheOf(deps: ServerDeps): Map<string, Entry> {
  let cache = caches.get(deps);
  if (cache === undefined) {
    cache = new Map();
    caches.set(deps, cache);
  }
  return cache;
}

/**
 * The API key with this secret hash whose tenant exists, remembered for
 * {@link API_KEY_CACHE_MS} so a script's requests cost no lookup each (two
 * queries per request otherwise). Revocation and expiry are still checked by
 * the caller on every request; revocations through this node take effect at
 * once ({@link forgetApiKey}). Unknown hashes are never remembered.
 */
export async function findApiKey(deps: ServerDeps, secretHash: string): Promise<ApiKey | undefined> {
  const cache = cacheOf(deps);
  const now = deps.clock.now();
  const hit = cache.get(secretHash);
  if (hit !== undefined && now - hit.loadedAt < API_KEY_CACHE_MS && now >= hit.loadedAt) return hit.key;
  cache.delete(secretHash);
  const key = await deps.identity.findApiKeyBySecretHash(secretHash);
  if (key === undefined) return undefined;
  if ((await deps.store.tenants.get(key.tenantId)) === undefined) return undefined;
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(secretHash, { key, loadedAt: now });
  return key;
}

/** Records a key's new last-use time in the cache (after `touchApiKey`). */
export function touchedApiKey(deps: ServerDeps, secretHash: string, lastUsedAt: number): void {
  const hit = caches.get(deps)?.get(secretHash);
  if (hit !== undefined) hit.key = { ...hit.key, lastUsedAt };
}

/** Forgets a key (revoked or changed through this node), so the next request reads the store. */
export function forgetApiKey(deps: ServerDeps, keyId: string): void {
  const cache = caches.get(deps);
  if (cache === undefined) return;
  for (const [hash, entry] of cache) if (entry.key.id === keyId) cache.delete(hash);
}
