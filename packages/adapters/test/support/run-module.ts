import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The adapters package, where `@outpace/adapters/*` resolve to the sources. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Runs `source` (an ES module, TypeScript allowed) in a process of its own with
 * the package's sources, and gives its exit code (null when it was killed) and
 * what it printed. The process is killed after `timeoutMs`: a test of a process
 * that should end by itself sees a non-zero code rather than hanging.
 */
export function runModule(source: string, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@outpace/source', '--import', 'tsx', '--input-type=module', '--eval', source],
      { cwd: ROOT, timeout: timeoutMs },
      (error, out) => resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? null), stdout: out }),
    );
  });
}
