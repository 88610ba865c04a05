// Entry of a SQLite writer thread. Plain JavaScript, so it starts however the server was
// launched: it registers the TypeScript loader in this thread, then runs the thread's body
// (`workerData.body`, a module next to this file; the events writer's by default).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(`./${workerData?.body ?? 'sqlite-writer-body.ts'}`);
