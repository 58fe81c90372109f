import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { CampaignEvent, CampaignManager } from '../campaign-runtime.js';
import type { ServerDeps } from '../deps.js';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';

/**
 * The Prometheus metrics of one server (one registry per set of
 * dependencies, so several apps in one process never mix their figures).
 * Served at `/metrics` in the text format by {@link metricsHandler}.
 */
export interface ServerMetrics {
  readonly registry: Registry;
  /** Counts an HTTP request with its route pattern, method, status and latency. */
  observeHttp(route: string, method: string, status: number, seconds: number): void;
  /** An import began (contacts or suppression). */
  importStarted(kind: string): void;
  /** An import ended: `succeeded` or `failed`. */
  importFinished(kind: string, outcome: 'succeeded' | 'failed'): void;
  /** A scheduler run ended (automation, housekeeping jobs) in a final state. */
  schedulerRun(kind: string, state: string): void;
  /** Follows the campaign runtimes' events: calls, attempts, and each driven group's gauges. Idempotent. */
  attachCampaigns(manager: Pick<CampaignManager, 'subscribe'>): void;
}

const registries = new WeakMap<ServerDeps, ServerMetrics>();

/** Latency buckets (seconds) for an API whose goal is p99 under 25 ms. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface HttpSeriesEntry {
  labels: { route: string; method: string; status: string };
  count: number;
  sum: number;
  /** Observations per bucket of {@link HTTP_BUCKETS} (not cumulative); above the last one: `count` only. */
  buckets: Float64Array;
}

/** A value as prom-client's registry reads it from a metric's `get()`. */
interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/**
 * HTTP requests by route, method and status: a count, a latency sum and
 * latency buckets per series, in plain arrays found by one map lookup, exposed
 * to a prom-client registry as a counter and a histogram (the registry only
 * asks for `get()` when scraped).
 */
class HttpSeries {
  private readonly series = new Map<string, HttpSeriesEntry>();

  observe(route: string, method: string, status: number, seconds: number): void {
    const key = `${status} ${method} ${route}`;
    let entry = this.series.get(key);
    if (entry === undefined) {
      entry = {
        labels: { route, method, status: String(status) },
        count: 0,
        sum: 0,
        buckets: new Float64Array(HTTP_BUCKETS.length),
      };
      this.series.set(key, entry);
    }
    entry.count++;
    entry.sum += seconds;
    for (let i = 0; i < HTTP_BUCKETS.length; i++) {
      if (seconds <= HTTP_BUCKETS[i]!) {
        entry.buckets[i]!++;
        break;
      }
    }
  }

  counter(name: string, help: string) {
    return {
      name,
      help,
      type: 'counter',
      aggregator: 'sum',
      get: async () => ({
        name,
        help,
        type: 'counter',
        aggregator: 'sum',
        values: [...this.series.values()].map((e): MetricValue => ({ labels: { ...e.labels }, value: e.count })),
      }),
      reset: () => this.series.clear(),
    };
  }

  histogram(name: string, help: string) {
    return {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get: async () => {
        const values: MetricValue[] = [];
        for (const e of this.series.values()) {
          let cumulative = 0;
          for (let i = 0; i < HTTP_BUCKETS.length; i++) {
            cumulative += e.buckets[i]!;
            values.push({
              labels: { le: HTTP_BUCKETS[i]!, ...e.labels },
              value: cumulative,
              metricName: `${name}_bucket`,
            });
          }
          values.push({ labels: { le: '+Inf', ...e.labels }, value: e.count, metricName: `${name}_bucket` });
          values.push({ labels: { ...e.labels }, value: e.sum, metricName: `${name}_sum` });
          values.push({ labels: { ...e.labels }, value: e.count, metricName: `${name}_count` });
        }
        return { name, help, type: 'histogram', aggregator: 'sum', values };
      },
      reset: () => this.series.clear(),
    };
  }
}

/**
 * The metrics of a server, created on first use.
 *
 * @example
 * metricsOf(deps).schedulerRun('automation', 'succeeded');
 */
export function metricsOf(deps: ServerDeps): ServerMetrics {
  const existing = registries.get(deps);
  if (existing !== undefined) return existing;
  const registry = new Registry();

  // HTTP requests are counted in plain per-series arrays and handed to prom-client only when
  // scraped: its Counter and Histogram validate and hash the label set on every inc() and
  // observe(), several microseconds of every request.
  const http = new HttpSeries();
  registry.registerMetric(
    http.counter('outpace_http_requests_total', 'HTTP requests by route pattern, method and status.') as never,
  );
  registry.registerMetric(
    http.histogram(
      'outpace_http_request_duration_seconds',
      'HTTP request latency until the response headers, by route pattern, method and status.',
    ) as never,
  );
  const importsStarted = new Counter({
    name: 'outpace_import_jobs_started_total',
    help: 'Imports started on this node, by kind (contacts, suppression).',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const importsFinished = new Counter({
    name: 'outpace_import_jobs_finished_total',
    help: 'Imports ended on this node, by kind and outcome (succeeded, failed).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  let running = 0;
  new Gauge({
    name: 'outpace_import_jobs_running',
    help: 'Imports running on this node now.',
    registers: [registry],
    collect() {
      this.set(running);
    },
  });
  const schedulerRuns = new Counter({
    name: 'outpace_scheduler_runs_total',
    help: 'Scheduler runs ended on this node, by kind (automation, expiry, retention, …) and final state.',
    labelNames: ['kind', 'state'] as const,
    registers: [registry],
  });

  const group = ['tenant', 'group'] as const;
  const callsPlaced = new Counter({
    name: 'outpace_campaign_calls_placed_total',
    help: 'Calls placed by the campaign groups this node drives.',
    labelNames: group,
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'outpace_campaign_attempts_total',
    help: 'Attempts written to the history by this node, by call result.',
    labelNames: [...group, 'result'] as const,
    registers: [registry],
  });
  const blocked = new Counter({
    name: 'outpace_campaign_attempts_blocked_total',
    help: 'Records the pre-dial compliance check refused on this node.',
    labelNames: group,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'outpace_campaign_calls_in_flight',
    help: 'Calls in progress of a driven group, by stage (dialing, waiting for an agent, connected).',
    labelNames: [...group, 'stage'] as const,
    registers: [registry],
  });
  const agents = new Gauge({
    name: 'outpace_campaign_agents',
    help: "Agents of a driven group's agent group, by state.",
    labelNames: [...group, 'state'] as const,
    registers: [registry],
  });
  const abandonment = new Gauge({
    name: 'outpace_campaign_abandonment_ratio',
    help: 'Abandoned over live-answered calls of a driven group, by window (campaign, 15m, 1h, 24h, 30d); absent without live answers.',
    labelNames: [...group, 'window'] as const,
    registers: [registry],
  });
  const state = new Gauge({
    name: 'outpace_campaign_group_state',
    help: 'State of a group this node drives: 1 for its current state.',
    labelNames: [...group, 'state'] as const,
    registers: [registry],
  });
  const records = new Gauge({
    name: 'outpace_campaign_records',
    help: 'Records of a driven group: remaining, done, total.',
    labelNames: [...group, 'kind'] as const,
    registers: [registry],
  });
  const callsPerMinute = new Gauge({
    name: 'outpace_campaign_calls_per_minute',
    help: 'Calls a driven group placed in the last 60 s.',
    labelNames: group,
    registers: [registry],
  });
  /** The series set for each driven group, so they can be dropped when this node stops driving it. */
  const series = new Map<string, { gauge: Gauge<string>; labels: Record<string, string> }[]>();
  const forget = (tenant: string, groupId: string) => {
    const key = `${tenant}\u0000${groupId}`;
    for (const { gauge, labels } of series.get(key) ?? []) gauge.remove(labels);
    series.delete(key);
  };
  const setFor = (tenant: string, groupId: string) => {
    const key = `${tenant}\u0000${groupId}`;
    const list = series.get(key) ?? [];
    series.set(key, list);
    return (gauge: Gauge<string>, extra: Record<string, string>, value: number) => {
      const labels = { tenant, group: groupId, ...extra };
      gauge.set(labels, value);
      list.push({ gauge, labels });
    };
  };

  const onEvent = (event: CampaignEvent) => {
    const tenant = event.tenantId;
    switch (event.name) {
      case 'call:placed':
        callsPlaced.inc({ tenant, group: event.payload.groupId });
        break;
      case 'attempt:recorded':
        attempts.inc({ tenant, group: event.payload.groupId, result: event.payload.attempt.callResult });
        break;
      case 'attempt:blocked':
        blocked.inc({ tenant, group: event.payload.groupId });
        break;
      case 'stats:updated': {
        const s = event.payload.stats;
        // Series of the previous snapshot go first: a state or window no longer reported must not linger.
        forget(tenant, s.groupId);
        const set = setFor(tenant, s.groupId);
        set(state, { state: s.state }, 1);
        set(inFlight, { stage: 'dialing' }, s.calls.dialing);
        set(inFlight, { stage: 'waiting' }, s.calls.waiting);
        set(inFlight, { stage: 'connected' }, s.calls.connected);
        set(agents, { state: 'logged-in' }, s.agents.loggedIn);
        set(agents, { state: 'ready' }, s.agents.ready);
        set(agents, { state: 'talk' }, s.agents.talk);
        set(agents, { state: 'wrap' }, s.agents.wrap);
        set(agents, { state: 'paused' }, s.agents.paused);
        const windows = {
          campaign: s.abandonment.campaign,
          '15m': s.abandonment.last15m,
          '1h': s.abandonment.last1h,
          '24h': s.abandonment.last24h,
          '30d': s.abandonment.last30d,
        };
        for (const [window, w] of Object.entries(windows)) {
          if (w.rate !== null) set(abandonment, { window }, w.rate);
        }
        set(records, { kind: 'remaining' }, s.recordsRemaining);
        set(records, { kind: 'done' }, s.recordsDone);
        set(records, { kind: 'total' }, s.recordsTotal);
        set(callsPerMinute, {}, s.callsPerMinute);
        break;
      }
      case 'campaign:lease-lost':
      case 'campaign:unloaded':
        forget(tenant, event.payload.groupId);
        break;
      default:
        break;
    }
  };

  let attached = false;
  const metrics: ServerMetrics = {
    registry,
    observeHttp(route, method, status, seconds) {
      http.observe(route, method, status, seconds);
    },
    importStarted(kind) {
      running++;
      importsStarted.inc({ kind });
    },
    importFinished(kind, outcome) {
      running = Math.max(0, running - 1);
      importsFinished.inc({ kind, outcome });
    },
    schedulerRun(kind, runState) {
      schedulerRuns.inc({ kind, state: runState });
    },
    attachCampaigns(manager) {
      if (attached) return;
      attached = true;
      manager.subscribe(onEvent);
    },
  };
  registries.set(deps, metrics);
  return metrics;
}

/** The handler's pattern: the last matched route of the request's method (middleware is registered for ALL). */
function routeLabel(c: Context<AppEnv>): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i]!;
    if (r.method !== 'ALL') return r.path;
  }
  return 'unmatched';
}

/**
 * Middleware that times every request and counts it under its route pattern
 * (`/api/v1/lists/:id`, never the raw path, so ids do not explode the label
 * set); requests no route matched count under `unmatched`.
 */
export function httpMetrics(deps: ServerDeps): MiddlewareHandler<AppEnv> {
  const metrics = metricsOf(deps);
  return async (c, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      // The handler's pattern: the last matched route of the request's method (middleware is registered for ALL).
      metrics.observeHttp(routeLabel(c), c.req.method, c.res.status, (performance.now() - start) / 1000);
    }
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /metrics` in the Prometheus text format. With a metrics token
 * (`OUTPACE_METRICS_TOKEN`) the scraper sends `Authorization: Bearer <token>`;
 * without one only loopback connections are answered (the socket's address,
 * never X-Forwarded-For, which a client can forge).
 */
export function metricsHandler(deps: ServerDeps): MiddlewareHandler<AppEnv> {
  const metrics = metricsOf(deps);
  let processMetrics = false;
  return async (c) => {
    const token = deps.http.metricsToken;
    if (token !== undefined) {
      const header = c.req.header('authorization') ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!sameSecret(given, token)) {
        c.header('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new ApiError(401, 'UNAUTHENTICATED', 'Send the metrics token as "Authorization: Bearer <token>".');
      }
    } else {
      const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
      const address = incoming?.socket?.remoteAddress;
      if (address === undefined || !LOOPBACK.has(address)) {
        throw new ApiError(
          403,
          'FORBIDDEN',
          'Metrics are served to loopback connections only; set OUTPACE_METRICS_TOKEN to scrape from elsewhere.',
        );
      }
    }
    if (!processMetrics) {
      // Process figures (CPU, memory, event-loop lag, GC) start with the first scrape: apps that are never scraped (tests) pay nothing.
      processMetrics = true;
      collectDefaultMetrics({ register: metrics.registry, prefix: 'outpace_' });
    }
    c.header('Content-Type', metrics.registry.contentType);
    c.header('Cache-Control', 'no-store');
    return c.body(await metrics.registry.metrics(), 200);
  };
}
