import cliProgress from 'cli-progress';
import type { ImportProgress } from './backend.js';

const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);

/**
 * The import's progress bar on `stream` (stderr): bytes of the file read and
 * the lines accepted and rejected so far. Nothing is drawn when `enabled` is
 * false (not a terminal, `--no-progress`, `--json`).
 */
export function createImportProgress(label: string, stream: NodeJS.WriteStream, enabled: boolean): ImportProgress {
  if (!enabled) return { start() {}, bytes() {}, counters() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {percentage}% | {read}/{size} MB | {accepted} accepted, {rejected} rejected | {duration_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
      fps: 8,
    },
    cliProgress.Presets.shades_classic,
  );
  let total = 0;
  let running = false;
  return {
    start(totalBytes) {
      total = Math.max(totalBytes, 1);
      bar.start(total, 0, { read: '0.0', size: mb(totalBytes), accepted: 0, rejected: 0 });
      running = true;
    },
    bytes(read) {
      if (running) bar.update(Math.min(read, total), { read: mb(read) });
    },
    counters(job) {
      if (running) bar.update({ accepted: job.acceptedLines.toLocaleString('en-US'), rejected: job.rejectedLines });
    },
    stop() {
      if (!running) return;
      running = false;
      bar.update(total, { read: mb(total) });
      bar.stop();
    },
  };
}
