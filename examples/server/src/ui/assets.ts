import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The console's static files, all served from this server: htmx and its SSE
 * extension straight from node_modules (exact pins in package.json; no CDN),
 * uPlot for live charts, and the console's own script and styles.
 */
export const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  'htmx.min.js': { file: require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript' },
  'htmx-ext-sse.js': {
    file: path.join(path.dirname(require.resolve('htmx-ext-sse')), 'sse.js'),
    type: 'text/javascript',
  },
  'uplot.min.js': {
    file: path.join(path.dirname(require.resolve('uplot/package.json')), 'dist/uPlot.iife.min.js'),
    type: 'text/javascript',
  },
  'uplot.min.css': {
    file: path.join(path.dirname(require.resolve('uplot/package.json')), 'dist/uPlot.min.css'),
    type: 'text/css',
  },
  'console.js': { file: path.join(here, 'assets/console.js'), type: 'text/javascript' },
  'session.js': { file: path.join(here, 'assets/session.js'), type: 'text/javascript' },
  'console.css': { file: path.join(here, 'assets/console.css'), type: 'text/css' },
};

const cache = new Map<string, Buffer>();

/** Registers `GET /assets/:name` on the console router. Files are read once and cached in memory. */
export function registerAssets<E extends object>(router: Hono<E & { Variables: object }>): void {
  router.get('/assets/:name', async (c) => {
    const name = c.req.param('name');
    const asset = ASSETS[name];
    if (asset === undefined) return c.text(`No asset ${name}.`, 404);
    let body = cache.get(name);
    if (body === undefined) {
      body = await readFile(asset.file);
      cache.set(name, body);
    }
    c.header('Content-Type', `${asset.type}; charset=utf-8`);
    c.header('Cache-Control', 'public, max-age=3600');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(new Uint8Array(body));
  });
}
