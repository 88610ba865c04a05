import type { AuditLog } from '../audit/audit-log.ts';
import type { AttachmentStorage } from '../conversations/attachments/attachment-storage.ts';
import type { Logger } from '../logger.ts';
import { LeaseWorker } from '../ops/lease-worker.ts';
import type { RetentionSweepsTable } from '../store/audit-schema.ts';
import { claimDue, settleClaim } from '../store/lease-claim.ts';
import type { Store } from '../store/store.ts';
import type { RetentionJobOptions } from './retention-config.ts';
import { retentionSteps, sweepAccount } from './retention-sweeper.ts';

/**
 * Applies every account's retention limits: one row per account in `retention_sweeps`, claimed
 * under a lease like the outbox, so on several nodes one of them sweeps an account at a time and a
 * dead node's sweep is taken over when its lease lapses. A sweep that ran out of time is due again
 * at once; a finished one after `everyMs`.
 */
export class RetentionJob {
  private readonly worker: LeaseWorker<RetentionSweepsTable>;
  private readonly clock: () => number;

  constructor(
    private readonly store: Store,
    files: AttachmentStorage,
    private readonly audit: AuditLog,
    private readonly log: Logger,
    private readonly opts: RetentionJobOptions,
  ) {
    this.clock = opts.clock ?? Date.now;
    const steps = retentionSteps(store, files, log);
    const leaseMs = opts.budgetMs * 2 + 60_000;
    this.worker = new LeaseWorker<RetentionSweepsTable>(
      'retention',
      async (room) => {
        const now = this.clock();
        await store.retention.scheduleNewAccounts(now);
        return claimDue(store.db, store.caps, 'retention_sweeps', now, room, leaseMs);
      },
      async (row) => {
        const report = await sweepAccount(store, steps, row.id, this.clock(), opts);
        const total = Object.values(report.deleted).reduce((a, b) => a + b, 0);
        if (total > 0) {
          this.log.info({ accountId: row.id, ...report }, 'retention sweep deleted old data');
          await this.audit.append(
            row.id,
            { type: 'system', label: 'retention' },
            { action: 'retention.swept', targetType: 'account', targetId: row.id, details: report.deleted },
          );
        }
        // settled last: a sweep marked done has its audit entry
        const now = this.clock();
        await settleClaim(store.db, 'retention_sweeps', row, {
          status: 'queued',
          next_attempt_at: report.unfinished ? now : now + opts.everyMs,
          updated_at: now,
          last_deleted: total,
        });
      },
      log,
      { pollMs: opts.pollMs, concurrency: 1 },
    );
  }

  start(): void {
    this.worker.start();
  }

  /** Looks for due sweeps now. */
  wake(): void {
    this.worker.wake();
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }
}
