import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportInput } from './open-input.js';

/** Writes a streamed input to a temporary file so it can be read twice; returns the path and a remover. */
export async function spoolToFile(
  input: Exclude<ImportInput, string>,
  tempDir: string | undefined,
): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tempDir ?? tmpdir(), 'outpace-spool-'));
  const path = join(dir, 'input');
  const handle = await open(path, 'w');
  try {
    if (input instanceof Uint8Array) await handle.write(input);
    else {
      for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
        await handle.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      }
    }
  } finally {
    await handle.close();
  }
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A file name without its folder and extensions (`/in/Leads.2026.csv.gz` → `Leads.2026`). */
export function baseNameOf(fileName: string | undefined): string | undefined {
  if (!fileName) return undefined;
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stripped = base.replace(/(\.(gz|gzip|zip))+$/i, '').replace(/\.[A-Za-z0-9]{1,5}$/, '');
  return stripped.trim() || undefined;
}
