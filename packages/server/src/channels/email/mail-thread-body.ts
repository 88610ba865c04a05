// The mail thread's body: a `Mailer` of its own, its kept connections to the relay, and the
// composition of each mail (see mail-thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { ChannelSendError } from '../channel.ts';
import type { FromMailThread, ToMailThread } from './mail-thread.ts';
import { Mailer } from './mailer.ts';

const port = parentPort!;
const mailer = new Mailer((workerData as { relayUrl: string }).relayUrl);
const post = (m: FromMailThread) => port.postMessage(m);

port.on('message', (m: ToMailThread) => {
  if (m.t === 'close') {
    // Kept connections say QUIT; the thread ends once they have closed.
    mailer.close();
    port.close();
    return;
  }
  mailer.send(m.mail).then(
    () => post({ t: 'sent', id: m.id }),
    (err: unknown) => {
      const e =
        err instanceof ChannelSendError
          ? err
          : new ChannelSendError(`the mail was not sent: ${(err as Error)?.message ?? err}`, true);
      post({
        t: 'failed',
        id: m.id,
        reason: e.reason,
        retryable: e.retryable,
        ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }),
        mayHaveArrived: e.mayHaveArrived,
      });
    },
  );
});
