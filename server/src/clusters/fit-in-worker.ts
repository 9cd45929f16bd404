import path from 'path';
import { Worker } from 'worker_threads';
import { NotEnoughProfilesError, type ClusterFit, type FitOptions } from './fit-clusters';

/** Built by `npm run build` next to the server bundle (esbuild, like the tracker). */
const FIT_WORKER_FILE = path.join(__dirname, 'fit-clusters-worker.js');

type WorkerMessage = { fit: ClusterFit } | { error: { name: string; message: string } };

/**
 * `fitClusters` on a worker thread. A fit is seconds of CPU (the silhouette's pairwise distances
 * alone take about a second for 4,000 points, then three k-means runs per k), and on the event loop
 * it held up every request of the instance for as long: a scheduled run that began during the soak
 * benchmark stalled the loop for 2.5 s, and ingest answered 503 meanwhile. The vectors travel as one
 * Float64Array (50,000 profiles × 16 features: 6 MB) and the fit comes back by copy. `unref`: a fit
 * under way never keeps a stopping process alive.
 */
export const fitClustersInWorker = (vectors: number[][], options: FitOptions, workerFile = FIT_WORKER_FILE): Promise<ClusterFit> =>
  new Promise((resolve, reject) => {
    // One flat array, moved to the worker rather than copied.
    const dimensions = vectors[0]?.length ?? 0;
    const values = new Float64Array(vectors.length * dimensions);
    vectors.forEach((vector, row) => values.set(vector, row * dimensions));
    const worker = new Worker(workerFile, { workerData: { values, dimensions, options }, transferList: [values.buffer] });
    worker.unref();
    worker.once('message', (message: WorkerMessage) => {
      if ('fit' in message) resolve(message.fit);
      // The one error a caller tells apart (too few profiles: skipped, not failed) keeps its class.
      else reject(message.error.name === 'NotEnoughProfilesError' ? new NotEnoughProfilesError(message.error.message) : new Error(message.error.message));
    });
    worker.once('error', reject);
    // After a message this settles nothing: a promise settles once.
    worker.once('exit', (code) => reject(new Error(`the clustering worker exited (code ${code}) without a fit`)));
  });
