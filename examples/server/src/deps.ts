import type { Clock, IdentityStore, LocationResolver, Logger, OutpaceStore, TenantIdentityStore } from '@outpace/core';
import type { SecretBox } from './auth/secret-box.js';

/** Options of the HTTP layer. */
export interface HttpOptions {
  /** Mark cookies Secure (HTTPS deployments). @default false */
  secureCookies: boolean;
  /** Largest JSON body in bytes. */
  maxJsonBytes: number;
  /** Largest upload in bytes. */
  maxUploadBytes: number;
  /** Idle lifetime of a browser session in ms. */
  sessionTtlMs: number;
}

/**
 * Everything the reference server's routes and pages use. `main.ts` builds it
 * from the configuration; tests build it over a memory store.
 */
export interface ServerDeps {
  store: OutpaceStore;
  identity: IdentityStore;
  tenantIdentity(tenantId: string): TenantIdentityStore;
  clock: Clock;
  logger: Logger;
  secretBox: SecretBox;
  /** Key of the CSRF-token HMAC (derived from the server's secret key). */
  csrfKey: Buffer;
  http: HttpOptions;
  /**
   * The location resolver of a tenant's imports and single contact adds (with
   * the tenant's custom time-zone map). When absent, lists use a resolver
   * without a custom map, built once per tenant (`services/lists-context.ts`).
   */
  locationResolverFor?: (tenantId: string) => LocationResolver | Promise<LocationResolver>;
}
