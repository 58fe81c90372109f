/** The bare baseline of `bench:api`: Hono's "hello" on @hono/node-server, no middleware. */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/', (c) => c.text('hello'));
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3001), hostname: '127.0.0.1' }, (info) => {
  console.log(`hello listening on ${info.port}`);
});
process.on('SIGTERM', () => process.exit(0));
