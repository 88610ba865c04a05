// The egress thread's body: an `Egress` of its own, with its kept-alive connections, answering the
// node's provider requests (see egress-thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { serveRequests } from '../ops/request-thread.ts';
import { Egress, type EgressResponse } from './egress.ts';
import type { EgressOptions } from './egress-config.ts';
import { EgressError } from './egress-error.ts';
import type { EgressFailure, ThreadRequest } from './egress-thread.ts';

const egress = new Egress((workerData as { options: EgressOptions }).options);

serveRequests<ThreadRequest, EgressResponse, EgressFailure>(
  parentPort!,
  ({ url, req }) => egress.request(url, req),
  (err) => ({
    message: (err as Error)?.message ?? String(err),
    ...(err instanceof EgressError
      ? { code: err.code, status: err.status, size: err.size, requestSent: err.requestSent, stale: err.stale }
      : {}),
  }),
);
