import type { Worker } from 'node:worker_threads';

/** How long a store thread is given to close its connection before it is ended. */
const STOP_TIMEOUT_MS = 5_000;

/**
 * Asks one of the store's threads (checkpoints, staging) to close its
 * connection and end, by posting `'stop'`; ends it after {@link STOP_TIMEOUT_MS}
 * if it has not. `exited` settles when the thread has gone.
 */
export async function stopThread(worker: Worker, exited: Promise<void>): Promise<void> {
  // Held by the event loop again until it has gone, or a process with nothing else to do
  // would end with this promise unsettled.
  worker.ref();
  worker.postMessage('stop');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS);
    timer.unref();
  });
  if ((await Promise.race([exited, late])) === 'late') await worker.terminate();
  clearTimeout(timer);
}
