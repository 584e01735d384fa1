/**
 * Runs `walkTree` on a worker thread so a large scan does not block the event loop (progress
 * logs, registry uploads running meanwhile). The worker is started from source text
 * (`eval: true`) rather than a file: the same code then runs under the compiled `dist/` and under
 * the test runner, which executes `src/*.ts` that a worker could not load by path.
 */
import { Worker } from 'node:worker_threads';
import { TsbuildError } from '../oci/index.js';
import { walkTree, type WalkColumns, type WalkRequest } from './walk.js';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const walkTree = ${walkTree.toString()};
const columns = walkTree(require('node:fs'), workerData.root, workerData.request);
parentPort.postMessage(columns, [columns.numbers.buffer, columns.inodes.buffer, columns.times.buffer]);
parentPort.once('message', () => parentPort.close());
`;

/** `walkTree` off the main thread; a failure becomes a TsbuildError naming the root. */
export function walkInWorker(root: string, request: WalkRequest): Promise<WalkColumns> {
  return new Promise((resolvePromise, reject) => {
    // execArgv: [] so a parent started with --input-type=module does not make the CommonJS source ESM.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { root, request } });
    // The worker waits for an acknowledgement before it ends: its 'exit' may otherwise be seen
    // before its last message. Settling twice is harmless, so 'exit' only reports a lost result.
    worker.once('message', (columns: WalkColumns) => {
      resolvePromise(columns);
      worker.postMessage('done');
    });
    worker.once('error', (error) => {
      reject(new TsbuildError('TSB_LAYER_INVALID', `scanning ${root} failed: ${error.message}`, { cause: error }));
    });
    worker.once('exit', (code) => {
      reject(new TsbuildError('TSB_INTERNAL', `the scan worker for ${root} exited with code ${code} without a result`));
    });
  });
}
