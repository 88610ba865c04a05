import { slaClocks } from '@beckon/core/sla/sla-clock';
import type { SlaBreachPayload, SlaBreachView } from '@beckon/protocol/sla-api';
import type { Logger } from '../logger.ts';
import { LeaseWorker } from '../ops/lease-worker.ts';
import { claimDue, settleClaim } from '../store/lease-claim.ts';
import { breachOf } from '../store/sla-repo.ts';
import type { SlaSweepsTable } from '../store/sla-schema.ts';
import type { Store } from '../store/store.ts';
import { slaBreached } from '../webhooks/slack-sla.ts';

export interface SlaJobOptions {
  /** How often an account's running clocks are looked at (ms). */
  everyMs: number;
  /** How often due sweeps are looked for (ms). */
  pollMs: number;
  /** The time the job takes as now (tests move it). */
  clock?: () => number;
  /** Tells the account's consoles of the breaches a sweep recorded (chat-events' account topic). */
  announce?: Announce;
}

/** Tells the account's consoles of new breaches. */
export type Announce = (accountId: string, breaches: SlaBreachView[]) => void;

/** What the Slack notice says of a missed target. */
const words = (b: SlaBreachPayload) =>
  `${b.target === 'first_response' ? 'no first reply' : 'not resolved'} within ${Math.round(b.targetSeconds / 60)} min (${b.priority} priority)`;

/**
 * Finds the account's conversations past a target and records each breach once: the breach row's
 * key lets one insert win, and the winner queues the `conversation.sla_breached` webhook event (in
 * the same transaction) and the Slack notice. Answers the breaches this call recorded, and
 * `announce`s them to the account's consoles.
 */
export async function sweepSla(
  store: Store,
  accountId: string,
  now: number,
  announce?: Announce,
): Promise<SlaBreachView[]> {
  const terms = await store.sla.terms(accountId);
  const running = await store.sla.running(accountId, [...terms.keys()]);
  // a breach already recorded is not tried again: no write per sweep for a long-open ticket
  const known = await store.sla.recorded(running.map((c) => c.id));
  const recorded: SlaBreachView[] = [];
  for (const c of running) {
    const t = terms.get(c.skillId);
    if (!t) continue;
    for (const clock of slaClocks(t.targets, t.hours, c, now)) {
      if (!clock.breached || clock.dueAt === null || known.has(`${c.id}:${clock.target}`)) continue;
      // a clock stopped in time was met; one stopped late was missed before this sweep saw it
      const b = breachOf(c, clock.target, clock.dueAt, clock.seconds);
      if (!(await store.sla.recordBreach(accountId, b, now))) continue;
      recorded.push({ ...b, visitorName: c.visitorName, breachedAt: new Date(now).toISOString() });
      await slaBreached(store, { accountId, conversationId: c.id, target: b.target, what: words(b) }, now);
    }
  }
  if (recorded.length > 0) announce?.(accountId, recorded);
  return recorded;
}

/**
 * Looks for SLA breaches: one row per account in `sla_sweeps`, claimed under a lease like the
 * retention sweep, so on several nodes one of them looks at an account at a time and a dead
 * node's turn is taken over when its lease lapses.
 */
export class SlaJob {
  private readonly worker: LeaseWorker<SlaSweepsTable>;
  private readonly clock: () => number;

  constructor(store: Store, log: Logger, opts: SlaJobOptions) {
    const clock = opts.clock ?? Date.now;
    this.clock = clock;
    const leaseMs = Math.max(60_000, opts.everyMs * 4);
    this.worker = new LeaseWorker<SlaSweepsTable>(
      'sla',
      async (room) => {
        const now = clock();
        await store.sla.scheduleNewAccounts(now);
        return claimDue(store.db, store.caps, 'sla_sweeps', now, room, leaseMs);
      },
      async (row) => {
        const found = await sweepSla(store, row.id, clock(), opts.announce);
        if (found.length > 0)
          log.info({ accountId: row.id, breaches: found.length }, 'SLA breaches recorded');
        const now = clock();
        await settleClaim(store.db, 'sla_sweeps', row, {
          status: 'queued',
          next_attempt_at: now + opts.everyMs,
          updated_at: now,
        });
      },
      log,
      { pollMs: opts.pollMs, concurrency: 2 },
    );
  }

  start(): void {
    this.worker.start();
  }

  /** Looks for due sweeps now. */
  wake(): void {
    this.worker.wake();
  }

  /** The job's present time (tests). */
  now(): number {
    return this.clock();
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }
}
