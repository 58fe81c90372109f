import { Hono } from 'hono';
import { versions } from './versions.js';

/** Builds the reference server's Hono application. */
export function createApp(): Hono {
  const app = new Hono();
  app.get('/api/v1/health', (c) => c.json({ status: 'ok', versions }));
  return app;
}
