import { Worker } from 'node:worker_threads';
import type { TrainingInput, TrainingOutput } from './train-job.ts';

/** Runs a training job on its own thread and resolves with its result (the node's event loop stays free). */
export function trainOnThread(input: TrainingInput): Promise<TrainingOutput> {
  return new Promise((resolve, reject) => {
    // The values buffer is moved, not copied, into the thread.
    const worker = new Worker(new URL('./train-worker.js', import.meta.url), {
      workerData: input,
      transferList: [input.values.buffer as ArrayBuffer],
      // The thread registers its own TypeScript loader; flags that load one in this process are not repeated.
      execArgv: withoutLoader(process.execArgv),
    });
    let settled = false;
    worker.once('message', (out: TrainingOutput) => {
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

function withoutLoader(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if ((a === '--import' || a === '--loader') && argv[i + 1]?.includes('tsx')) {
      i++;
      continue;
    }
    if (/^--(import|loader)=.*tsx/.test(a)) continue;
    out.push(a);
  }
  return out;
}
