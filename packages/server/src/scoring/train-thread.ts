import { Worker } from 'node:worker_threads';
import { threadExecArgv } from '../thread-argv.ts';
import type { TrainingInput, TrainingOutput } from './train-job.ts';
import type { UpliftTrainingInput, UpliftTrainingOutput } from './uplift-job.ts';

/** Runs a job on its own thread and resolves with its result (the node's event loop stays free). */
function runOnThread<O>(input: { values: Float64Array }): Promise<O> {
  return new Promise((resolve, reject) => {
    // The values buffer is moved, not copied, into the thread.
    const worker = new Worker(new URL('./train-worker.js', import.meta.url), {
      workerData: input,
      transferList: [input.values.buffer as ArrayBuffer],
      execArgv: threadExecArgv(),
    });
    let settled = false;
    worker.once('message', (out: O) => {
      settled = true;
      resolve(out);
      void worker.terminate();
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`training thread exited with code ${code}`));
    });
  });
}

/** Trains a propensity model on its own thread. */
export function trainOnThread(input: TrainingInput): Promise<TrainingOutput> {
  return runOnThread<TrainingOutput>(input);
}

/** Trains a campaign's uplift model on its own thread. */
export function trainUpliftOnThread(input: UpliftTrainingInput): Promise<UpliftTrainingOutput> {
  return runOnThread<UpliftTrainingOutput>(input);
}
