// Runs one training job on a worker thread, so the node keeps serving while the trees grow.
// A worker thread needs its own TypeScript loader (thread-loader.js).
import { parentPort, workerData } from 'node:worker_threads';
import { registerTypeScript } from '../thread-loader.js';
import { lowerThreadPriority } from '../thread-priority.js';

lowerThreadPriority();
await registerTypeScript();
if (workerData.kind === 'uplift') {
  const { runUpliftJob } = await import('./uplift-job.ts');
  parentPort.postMessage(runUpliftJob(workerData));
} else {
  const { runTrainingJob } = await import('./train-job.ts');
  parentPort.postMessage(runTrainingJob(workerData));
}
