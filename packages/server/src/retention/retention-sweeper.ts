import type { RetentionKind, RetentionPolicy } from '@beckon/protocol/governance-api';
import type { AttachmentStorage } from '../conversations/attachments/attachment-storage.ts';
import type { Logger } from '../logger.ts';
import { yieldTurn } from '../ops/socket-turns.ts';
import type { BatchResult } from '../store/retention-repo.ts';
import type { Store } from '../store/store.ts';
import type { SweepOptions } from './retention-config.ts';
import { cutoffOf, DEFAULT_RETENTION, RETENTION_KINDS } from './retention-policy.ts';

/** One batched delete of a kind of data: removes at most `limit` rows older than `before`. */
export interface RetentionStep {
  kind: RetentionKind;
  name: string;
  run(accountId: string, before: number, limit: number): Promise<BatchResult>;
}

/** What one sweep of an account removed, per step, and whether it ran out of time. */
export interface SweepReport {
  deleted: Record<string, number>;
  batches: number;
  files: number;
  unfinished: boolean;
}

/**
 * The steps of each kind, in order. Files go before their rows: a sweep cut short leaves rows
 * whose files are gone (found again next time), never files no row points to.
 */
export function retentionSteps(store: Store, files: AttachmentStorage, log: Logger): RetentionStep[] {
  const r = store.retention;
  const attachments = (closed: boolean) => async (accountId: string, before: number, limit: number) => {
    const rows = await r.oldAttachments(accountId, before, limit, closed);
    const gone: string[] = [];
    for (const row of rows) {
      try {
        await files.remove(row.storage_key);
        gone.push(row.id);
      } catch (err) {
        log.warn({ err, attachmentId: row.id }, 'attachment file not removed; kept for the next sweep');
      }
    }
    return {
      rows: await r.forgetAttachments(gone),
      files: rows.filter((x) => gone.includes(x.id)).map((x) => x.storage_key),
    };
  };
  const recordings = async (accountId: string, before: number, limit: number) => {
    const rows = await store.recordings.olderThan(accountId, before, limit);
    const gone = [];
    for (const row of rows) {
      try {
        await files.remove(row.storage_key);
        gone.push(row);
      } catch (err) {
        log.warn({ err, recordingId: row.id }, 'recording file not removed; kept for the next sweep');
      }
    }
    return { rows: (await store.recordings.delete(gone)).length, files: gone.map((x) => x.storage_key) };
  };
  return [
    { kind: 'events', name: 'event_frames', run: (a, b, l) => r.deleteOld('event_frames', 'ts', a, b, l) },
    { kind: 'events', name: 'events', run: (a, b, l) => r.deleteOld('events', 'ts', a, b, l) },
    {
      kind: 'visits',
      name: 'visitor_sessions',
      run: (a, b, l) => r.deleteOld('visitor_sessions', 'last_event_at', a, b, l),
    },
    { kind: 'visits', name: 'visitors', run: (a, b, l) => r.deleteOld('visitors', 'last_seen_at', a, b, l) },
    { kind: 'conversations', name: 'conversation_attachments', run: attachments(true) },
    { kind: 'conversations', name: 'messages', run: (a, b, l) => r.deleteClosedMessages(a, b, l) },
    {
      kind: 'conversations',
      name: 'conversation_contacts',
      run: (a, b, l) => r.scrubClosedConversations(a, b, l),
    },
    { kind: 'recordings', name: 'call_recordings', run: recordings },
    { kind: 'attachments', name: 'attachments', run: attachments(false) },
    { kind: 'audit', name: 'audit_log', run: (a, b, l) => r.deleteOld('audit_log', 'at', a, b, l) },
  ];
}

/** An account's limits: what it set, else the defaults. */
export async function policyOf(store: Store, accountId: string): Promise<RetentionPolicy> {
  return { ...DEFAULT_RETENTION, ...(await store.retention.policyOf(accountId)) };
}

/**
 * Applies an account's limits as of `now`: each step deletes batch after batch until a batch comes
 * back short, yielding between them. Stops when its time budget is spent and says so.
 */
export async function sweepAccount(
  store: Store,
  steps: readonly RetentionStep[],
  accountId: string,
  now: number,
  opts: SweepOptions,
): Promise<SweepReport> {
  const policy = await policyOf(store, accountId);
  const report: SweepReport = { deleted: {}, batches: 0, files: 0, unfinished: false };
  const started = Date.now();
  for (const kind of RETENTION_KINDS) {
    const before = cutoffOf(policy[kind], now);
    if (before === null) continue;
    for (const step of steps.filter((s) => s.kind === kind)) {
      for (;;) {
        if (Date.now() - started > opts.budgetMs) {
          report.unfinished = true;
          return report;
        }
        const done = await step.run(accountId, before, opts.batch);
        report.batches++;
        report.files += done.files.length;
        if (done.rows > 0) report.deleted[step.name] = (report.deleted[step.name] ?? 0) + done.rows;
        await yieldTurn();
        if (done.rows < opts.batch) break;
      }
    }
  }
  return report;
}
