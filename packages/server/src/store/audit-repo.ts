import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AuditLogTable } from './audit-schema.ts';
import type { Database } from './schema.ts';

export type AuditRow = Selectable<AuditLogTable>;
export type AuditInsert = Insertable<AuditLogTable>;

/** What the audit log is filtered by; every filter is optional. */
export interface AuditQuery {
  actor?: string;
  action?: string;
  targetType?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** The last row of the previous page (`at` and `id`): the page starts after it. */
  after?: { at: number; id: string };
  limit: number;
}

/**
 * The audit log. The application only appends and reads; the one delete is retention's, and the
 * table refuses UPDATE by a trigger (see 0038-audit-retention.ts).
 */
export class AuditRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Appends entries in one statement (one commit for a batch). */
  async append(rows: readonly AuditInsert[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('audit_log')
      .values(rows as AuditInsert[])
      .execute();
  }

  /** An account's entries, newest first, after the cursor. */
  async list(accountId: string, q: AuditQuery): Promise<AuditRow[]> {
    let query = this.db.selectFrom('audit_log').selectAll().where('account_id', '=', accountId);
    if (q.actor)
      query = query.where((eb) => eb.or([eb('actor_id', '=', q.actor!), eb('actor_label', '=', q.actor!)]));
    if (q.action) query = query.where('action', '=', q.action);
    if (q.targetType) query = query.where('target_type', '=', q.targetType);
    if (q.from !== undefined) query = query.where('at', '>=', q.from);
    if (q.to !== undefined) query = query.where('at', '<', q.to);
    if (q.after) {
      const { at, id } = q.after;
      query = query.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
    }
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map((r) => ({ ...r, at: Number(r.at) }));
  }
}
