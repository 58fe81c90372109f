import type { SftpFileSourceOptions } from '@outpace/adapters/sftp';
import type { ComplianceEngine } from '@outpace/compliance';
import type {
  Automation,
  Clock,
  IdentityStore,
  JobQueue,
  LocationResolver,
  Logger,
  OutpaceStore,
  TenantIdentityStore,
} from '@outpace/core';
import type { SecretBox } from './auth/secret-box.js';
import type { CampaignPortsFactory } from './campaign-ports.js';
import type { CampaignManager } from './campaign-runtime.js';
import type { Scheduler } from './scheduler/scheduler.js';
import type { AutomationFileSource, CampaignTriggerRequest } from './services/automations-runner.js';
import type { TelephonyRoute } from './telephony/create-telephony.js';

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
  /** Bearer token of `/metrics`; absent: loopback connections only (`http/metrics.ts`). */
  metricsToken?: string;
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
  /**
   * The compliance engine of a tenant: its enabled presets, rule sets,
   * restricted dates, suppression lists and registry copies, cached and
   * rebuilt when they change (`services/compliance-engine.ts` installs it).
   */
  complianceEngineFor?: (tenantId: string) => Promise<ComplianceEngine>;
  /**
   * Background jobs and schedules: `@outpace/adapters/queue` (one node,
   * SQLite) or `@outpace/adapters/pg-boss` (PostgreSQL, several nodes).
   */
  queue?: JobQueue;
  /** The scheduler of list automations and housekeeping, once created (`scheduler/scheduler.ts`). */
  scheduler?: Scheduler;
  /** This node's name, in locks and run records. @default 'node' */
  nodeId?: string;
  /**
   * Starts a campaign group after a list automation loaded lists (the
   * campaign service wires it). Absent: the run records that no trigger is wired.
   */
  triggerCampaignGroup?: (request: CampaignTriggerRequest) => Promise<void>;
  /**
   * Opens the file source of an automation instead of an SFTP connection
   * (tests; other backends such as `@outpace/adapters/local`).
   */
  openFileSource?: (automation: Pick<Automation, 'source'>) => AutomationFileSource;
  /**
   * The telephony seam: builds the telephony and agents ports of a tenant's
   * campaign runtime (Asterisk, Twilio, …). Absent: simulated telephony and
   * agents (`campaign-ports.ts` `createSimulatedPortsFactory`).
   */
  telephony?: CampaignPortsFactory;
  /**
   * HTTP routes of the configured telephony (Twilio's signed status callbacks), mounted outside `/api`: they are
   * authenticated by their signature, not a session (`telephony/create-telephony.ts`).
   */
  telephonyRoutes?: readonly TelephonyRoute[];
  /**
   * This node's campaign runtimes (`campaign-runtime.ts`): group commands,
   * runtime events and live statistics. Absent: campaign commands answer 503.
   */
  campaigns?: CampaignManager;
  /** Connection options of the SFTP sessions list automations open (timeouts, retries). */
  sftp?: Partial<Pick<SftpFileSourceOptions, 'connectTimeoutMs' | 'operationTimeoutMs' | 'idleTimeoutMs' | 'retry'>>;
}
