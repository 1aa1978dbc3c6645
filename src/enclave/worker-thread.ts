/**
 * Starting and stopping this package's worker threads (the enclave's prepare worker, the chain's query workers)
 * the same way, from compiled JavaScript and from TypeScript sources.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The worker module `name` next to the module at `base` (`import.meta.url`), with the extension `base` runs as. */
export function siblingWorkerUrl(base: string, name: string): URL {
  const ext = base.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${ext}`, base);
}

/**
 * Running from TypeScript sources (tests, benches under `node --import tsx`): tsx's loader hooks are not
 * inherited by worker threads on Node 20, so the worker registers them itself before importing the `.ts` entry.
 * Never used from the compiled package (dist/ starts the `.js` entry directly).
 */
function tsBootstrap(url: URL): string {
  const api = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
}

/** A worker thread running the module at `url` (a `.ts` entry through tsx's loader). */
export function startWorker(url: URL, options: WorkerOptions): Worker {
  return url.pathname.endsWith('.ts')
    ? new Worker(tsBootstrap(url), { ...options, eval: true })
    : new Worker(url, options);
}

/**
 * Asks `worker` to end itself by posting `stop` and waits for it to exit; terminates it if it has not after
 * `timeoutMs` (it may be stuck in a long task).
 */
export async function endWorker(worker: Worker, stop: unknown, timeoutMs: number): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.postMessage(stop);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  try {
    if ((await Promise.race([exited, late])) === 'late') await worker.terminate();
  } finally {
    clearTimeout(timer);
  }
}
