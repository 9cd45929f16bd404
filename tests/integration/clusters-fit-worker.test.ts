/**
 * The clustering job's fit on a worker thread (`fit-in-worker.ts`), with the worker `npm run build`
 * built: the same fit as on the event loop, and the error that means "too few profiles" kept as such.
 */
import path from 'path';
import { fitClusters, NotEnoughProfilesError } from '../../server/src/clusters/fit-clusters';
import { fitClustersInWorker } from '../../server/src/clusters/fit-in-worker';
import { seededRandom } from '../../server/src/clusters/seeded-random';

const WORKER = path.resolve(__dirname, '../../dist/server/fit-clusters-worker.js');

describe('the fit on a worker thread', () => {
  it('gives the fit the event loop gives, for the same vectors and options', async () => {
    const random = seededRandom(3);
    const centers = [[0, 0, 0, 0], [6, 0, 0, 1], [0, 6, 1, 0]];
    const vectors = centers.flatMap((center) => Array.from({ length: 200 }, () => center.map((value) => value + random() - 0.5)));
    const options = { kMin: 2, kMax: 6 };
    const onWorker = await fitClustersInWorker(vectors, options, WORKER);
    expect(onWorker.k).toBe(3);
    expect(onWorker).toEqual(fitClusters(vectors, options));
  });

  it('refuses too few distinct profiles with NotEnoughProfilesError, as the job expects to skip the run', async () => {
    const attempt = fitClustersInWorker([[1, 1], [1, 1], [1, 1]], {}, WORKER);
    await expect(attempt).rejects.toBeInstanceOf(NotEnoughProfilesError);
    await expect(attempt).rejects.toThrow(/at least 2 distinct profiles/);
  });
});
