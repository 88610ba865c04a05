// The mail thread's body: a `Mailer` of its own, its kept connections to the relay, and the
// composition of each mail (see mail-thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type Mail from 'nodemailer/lib/mailer';
import { serveRequests } from '../../ops/request-thread.ts';
import { ChannelSendError } from '../channel.ts';
import type { MailFailure } from './mail-thread.ts';
import { Mailer } from './mailer.ts';

const mailer = new Mailer((workerData as { relayUrl: string }).relayUrl);

serveRequests<Mail.Options, null, MailFailure>(
  parentPort!,
  (mail) => mailer.send(mail).then(() => null),
  (err) => {
    const e =
      err instanceof ChannelSendError
        ? err
        : new ChannelSendError(`the mail was not sent: ${(err as Error)?.message ?? err}`, true);
    return {
      reason: e.reason,
      retryable: e.retryable,
      ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }),
      mayHaveArrived: e.mayHaveArrived,
    };
  },
  () => mailer.close(),
);
