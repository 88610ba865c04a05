import { sql, type Transaction } from 'kysely';
import { orNone, type PrivacySubject } from './privacy-subject.ts';
import type { Database } from './schema.ts';

/** The rows an erase deletes because their text names the person, per table. */
export interface MentionCounts {
  webhookDeliveries: number;
  automationEvents: number;
  auditEntries: number;
}

/**
 * Deletes the rows whose free text or JSON names the person: webhook deliveries and automation
 * events (a copy of an event about them), and audit entries (an API key's change to one of their
 * conversations keeps its fields). Matched by any of the person's ids, addresses and numbers.
 */
export async function eraseMentions(trx: Transaction<Database>, s: PrivacySubject): Promise<MentionCounts> {
  const needles = [...s.visitorIds, ...s.contactIds, ...s.conversationIds, ...s.emails, ...s.phones].filter(
    (n) => n.length > 0,
  );
  const counts: MentionCounts = { webhookDeliveries: 0, automationEvents: 0, auditEntries: 0 };
  const tables = [
    ['webhook_deliveries', 'webhookDeliveries', ['payload']],
    ['automation_events', 'automationEvents', ['payload']],
    ['audit_log', 'auditEntries', ['target_id', 'summary']],
  ] as const;
  for (let i = 0; i < needles.length; i += 50) {
    const part = needles.slice(i, i + 50);
    for (const [table, kind, columns] of tables) {
      const r = await sql`delete from ${sql.table(table)} where account_id = ${s.accountId} and (${sql.join(
        columns.flatMap((c) =>
          part.map((n) => sql`lower(coalesce(${sql.ref(c)}, '')) like ${containing(n)} escape '\\'`),
        ),
        sql` or `,
      )})`.execute(trx);
      counts[kind] += Number(r.numAffectedRows ?? 0);
    }
  }
  return counts;
}

/** A LIKE pattern matching text that contains `needle` (lower-cased), wildcards escaped. */
const containing = (needle: string) => `%${needle.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;

/** SQLite row ids of the person's events and frames, read before the erase takes the write lock. */
export interface EventRows {
  events: number[];
  frames: number[];
}

/**
 * Deletes the person's rows of an event table: by the row ids read beforehand (SQLite: the tables
 * have no index by visitor, and a scan inside the transaction would hold every writer back), or
 * by visitor (PostgreSQL, where a long delete blocks no other writer). Answers how many.
 */
export async function deleteEvents(
  trx: Transaction<Database>,
  s: PrivacySubject,
  table: 'events' | 'event_frames',
  rowids: number[] | undefined,
): Promise<number> {
  const visitors = sql.join(orNone(s.visitorIds));
  // A frame holds several events: the count is of events either way.
  const weight = table === 'event_frames' ? sql`event_count` : sql`1`;
  const parts = rowids ? chunks(rowids, 500) : [null];
  let n = 0;
  for (const part of parts) {
    const r = await sql<{ n: number | string }>`delete from ${sql.table(table)}
      where account_id = ${s.accountId} and visitor_id in (${visitors})
      ${part ? sql`and rowid in (${sql.join(part)})` : sql``}
      returning ${weight} as n`.execute(trx);
    for (const row of r.rows) n += Number(row.n);
  }
  return n;
}

const chunks = <T>(xs: T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
};

/**
 * A stored cursor naming one of the person's events (the attribution job's, in `settings`) is set
 * back to the start of that millisecond: the job reads it again, which it does anyway for late
 * rows, and the cursor no longer names them.
 */
export async function rewindCursors(trx: Transaction<Database>, s: PrivacySubject): Promise<void> {
  const rows = await trx.selectFrom('settings').selectAll().execute();
  for (const row of rows) {
    if (!s.visitorIds.some((v) => row.value.includes(v))) continue;
    let value: { visitorId?: unknown; batchId?: unknown; seq?: unknown } | null = null;
    try {
      value = JSON.parse(row.value);
    } catch {
      continue;
    }
    if (!value || typeof value.visitorId !== 'string' || !s.visitorIds.includes(value.visitorId)) continue;
    const rewound = { ...value, visitorId: '', batchId: '', seq: -1 };
    await trx
      .updateTable('settings')
      .set({ value: JSON.stringify(rewound) })
      .where('key', '=', row.key)
      .execute();
  }
}
