// Runs one training job on a worker thread, so the node keeps serving while the trees grow.
// The server's TypeScript runs through tsx; a worker thread needs its own loader.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
if (workerData.kind === 'uplift') {
  const { runUpliftJob } = await import('./uplift-job.ts');
  parentPort.postMessage(runUpliftJob(workerData));
} else {
  const { runTrainingJob } = await import('./train-job.ts');
  parentPort.postMessage(runTrainingJob(workerData));
}
