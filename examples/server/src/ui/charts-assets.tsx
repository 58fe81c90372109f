import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsoleRouter } from './app.js';
import type { ConsoleContext } from './session.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The files of the campaign, compliance and explainer pages: their styles and the live-chart island. */
const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  'charts.css': { file: path.join(here, 'charts.css'), type: 'text/css' },
  'charts-island.js': { file: path.join(here, 'charts-island.js'), type: 'text/javascript' },
};
const cache = new Map<string, Buffer>();

/** Serves `/assets/charts/<name>` (read once, cached; same headers as the console's other assets). */
export function chartAssetRoutes(ui: ConsoleRouter): void {
  ui.get('/assets/charts/:name', async (c) => {
    const name = c.req.param('name');
    const asset = FILES[name];
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

/**
 * The stylesheet of these pages, and with `live` the uPlot script and the
 * chart island. Rendered inside `#main`, so a navigation swap brings them too.
 */
export function ChartAssets(props: { ctx: ConsoleContext; live?: boolean }) {
  const { ctx } = props;
  return (
    <>
      <link rel="stylesheet" href={ctx.url('/assets/charts/charts.css')} />
      {props.live ? (
        <>
          <link rel="stylesheet" href={ctx.url('/assets/uplot.min.css')} />
          <script src={ctx.url('/assets/uplot.min.js')} />
          <script src={ctx.url('/assets/charts/charts-island.js')} />
        </>
      ) : null}
    </>
  );
}
