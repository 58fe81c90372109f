import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASTERISK_ROOT } from './paths.js';
import { sleep } from './peers.js';

const LOCK = `${ASTERISK_ROOT}.lock`;

function holderAlive(): boolean {
  try {
    const pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Takes the Asterisk tier's lock: one suite at a time starts Asterisk from the folder and uses the tier's ports
 * (vitest runs test files in parallel). A lock whose process died is taken over. Returns the release function.
 */
export async function lockAsteriskTier(waitMs: number): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      writeFileSync(join(LOCK, 'token'), token);
      break;
    } catch {
      // Someone holds it; a lock without a live process (or still being written) is stale after a short grace.
      if (!holderAlive()) {
        await sleep(500);
        if (!holderAlive()) rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`the Asterisk tier stayed locked (${LOCK}) for ${waitMs} ms`);
      await sleep(500);
    }
  }
  return () => {
    try {
      if (readFileSync(join(LOCK, 'token'), 'utf8') === token) rmSync(LOCK, { recursive: true, force: true });
    } catch {}
  };
}
