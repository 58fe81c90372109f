import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { authenticate } from './auth/middleware.js';
import type { ServerDeps } from './deps.js';
import type { AppEnv } from './http/env.js';
import { ApiError, errorResponse } from './http/errors.js';
import { httpMetrics, metricsHandler, metricsOf } from './http/metrics.js';
import { createRouter } from './http/openapi.js';
import { responseHeaders } from './http/response-headers.js';
import { authRoutes } from './routes/auth.js';
import { automationRoutes, schedulerRoutes } from './routes/automations.js';
import {
  attemptRoutes,
  campaignDashboardRoutes,
  campaignGroupRoutes,
  campaignTemplateRoutes,
  dialingProfileRoutes,
} from './routes/campaigns.js';
import { complianceRoutes } from './routes/compliance.js';
import { contactRoutes, contactSearchRoutes } from './routes/contacts.js';
import { explainRoutes } from './routes/explain.js';
import { importRoutes } from './routes/imports.js';
import { labelRoutes } from './routes/labels.js';
import { listRuleRoutes } from './routes/list-rules.js';
import { listRoutes } from './routes/lists.js';
import { dataMappingRoutes } from './routes/mappings.js';
import { reportRoutes } from './routes/reports.js';
import { specFileRoutes } from './routes/spec-files.js';
import { suppressionRoutes } from './routes/suppression.js';
import { auditRoutes, settingsRoutes, tenantRoutes } from './routes/tenants.js';
import { apiKeyRoutes, userRoutes } from './routes/users.js';
import { installComplianceHooks } from './services/compliance-engine.js';
import { createConsole } from './ui/app.js';
import { versions } from './versions.js';

const require = createRequire(import.meta.url);
const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const SWAGGER_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js']);

/**
 * Builds the reference server's Hono application over its dependencies. The
 * API lives under /api/v1 (OpenAPI at /api/v1/openapi.json, reference page at
 * /docs); a host platform can mount it with `app.route()`.
 */
export function createApp(deps: ServerDeps): OpenAPIHono<AppEnv> {
  const app = createRouter();
  // Per-tenant location resolvers (custom time zones) and compliance engines, cached and invalidated on change.
  installComplianceHooks(deps);
  // Prometheus metrics: HTTP by route, imports, scheduler runs, and the campaign runtimes' events.
  if (deps.campaigns !== undefined) metricsOf(deps).attachCampaigns(deps.campaigns);
  app.use('*', httpMetrics(deps));

  app.use('*', (c, next) => {
    c.set('deps', deps);
    return next();
  });
  // Request id, security headers (secureHeaders()'s, precomputed) and X-Request-Id on every response.
  app.use('*', responseHeaders());
  app.use('/api/*', async (c, next) => {
    // GET and HEAD carry no body (@hono/node-server never reads one), so there
    // is nothing to limit; skipping bodyLimit spares building a full Request
    // (streams, abort signal) just so it can look at `body`: most of a GET's cost.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    // Uploads have their own (larger) limit and are streamed; everything else is JSON.
    const isUpload = (c.req.header('content-type') ?? '').startsWith('multipart/form-data');
    // An upload without a declared length is counted by the upload route as it
    // streams (services/imports-upload.ts); bodyLimit would buffer it whole.
    if (isUpload && !c.req.header('content-length')) return next();
    const maxSize = isUpload ? deps.http.maxUploadBytes : deps.http.maxJsonBytes;
    const tooLarge = () => {
      throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${maxSize} bytes.`);
    };
    // A declared length is checked from the header, as bodyLimit would (Node's
    // parser never delivers more), without touching the body: @hono/node-server
    // then reads a JSON body straight from the socket instead of through streams.
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number.parseInt(declared, 10) > maxSize) tooLarge();
      return next();
    }
    return bodyLimit({
      maxSize,
      onError: tooLarge,
    })(c, next);
  });
  app.use('/api/*', authenticate());
  app.onError((err, c) => {
    if (!(err instanceof ApiError)) deps.logger.error('request failed', { err: String(err), path: c.req.path });
    return errorResponse(c, err);
  });
  app.notFound((c) => errorResponse(c, new ApiError(404, 'NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`)));

  app.get('/api/v1/health', (c) => c.json({ status: 'ok', versions }));
  app.get('/metrics', metricsHandler(deps));
  // Telephony callbacks (Twilio): outside /api, authenticated by their signature instead of a session or key.
  for (const route of deps.telephonyRoutes ?? []) app.all(`${route.path}/*`, (c) => route.handler(c.req.raw));
  app.route('/api/v1/auth', authRoutes(deps));
  app.route('/api/v1/tenants', tenantRoutes());
  app.route('/api/v1/settings', settingsRoutes());
  app.route('/api/v1/users', userRoutes());
  app.route('/api/v1/api-keys', apiKeyRoutes());
  app.route('/api/v1/audit', auditRoutes());
  app.route('/api/v1/lists', listRoutes());
  app.route('/api/v1/lists', contactRoutes());
  app.route('/api/v1/contacts', contactSearchRoutes());
  app.route('/api/v1/imports', importRoutes());
  app.route('/api/v1/suppression-lists', suppressionRoutes());
  app.route('/api/v1/list-rules', listRuleRoutes());
  app.route('/api/v1/spec-files', specFileRoutes());
  app.route('/api/v1/data-mappings', dataMappingRoutes());
  app.route('/api/v1/labels', labelRoutes());
  app.route('/api/v1/automations', automationRoutes());
  app.route('/api/v1/scheduler', schedulerRoutes());
  app.route('/api/v1/compliance', complianceRoutes());
  app.route('/api/v1/dialing-profiles', dialingProfileRoutes());
  app.route('/api/v1/campaign-templates', campaignTemplateRoutes());
  app.route('/api/v1/campaign-groups', campaignGroupRoutes());
  app.route('/api/v1/campaign-groups', explainRoutes());
  app.route('/api/v1/campaigns', campaignDashboardRoutes());
  app.route('/api/v1/attempts', attemptRoutes());
  app.route('/api/v1/reports', reportRoutes());

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'outpace_session',
  });
  app.doc31('/api/v1/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Outpace API',
      version: versions.server,
      description: 'Outbound campaigns: lists, compliance, dialing.',
    },
    security: [{ apiKey: [] }, { session: [] }],
  });
  app.get('/docs', (c) =>
    c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Outpace API reference</title>
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>`),
  );
  app.get('/docs/init.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(
      // validatorUrl: null — Swagger UI otherwise loads a badge from validator.swagger.io on any non-localhost host.
      "window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null });",
    );
  });
  app.get('/vendor/swagger-ui/:file', async (c) => {
    const file = c.req.param('file');
    if (!SWAGGER_FILES.has(file)) throw new ApiError(404, 'NOT_FOUND', `No asset ${file}.`);
    c.header('Content-Type', file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(await readFile(path.join(swaggerDir, file)));
  });
  // The operator console, last so the API and /docs answer first (docs/ui.md).
  app.route('/', createConsole());
  return app;
}
