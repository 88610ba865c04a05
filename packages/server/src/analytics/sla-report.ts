import { slaClocks } from '@beckon/core/sla/sla-clock';
import type { SlaReport, SlaReportRow } from '@beckon/protocol/sla-api';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { SlaConversation } from '../store/sla-repo.ts';
import type { Store } from '../store/store.ts';
import type { CsvColumn } from './csv-table.ts';
import { toCsv } from './csv-table.ts';
import { HOUR_MS, hourStarts, type ReportFilters, startOfDay } from './report-filters.ts';

/** One conversation's outcome against its targets; null fields: no such target, or still running. */
interface Outcome {
  c: SlaConversation;
  /** true met, false missed, null undecided or no target. */
  firstResponse: boolean | null;
  resolution: boolean | null;
}

const share = (outcomes: Array<boolean | null>) => {
  const decided = outcomes.filter((o) => o !== null);
  const met = decided.filter((o) => o).length;
  return { met, total: decided.length, rate: decided.length ? met / decided.length : null };
};

function breakdown(
  outcomes: Outcome[],
  keyOf: (c: SlaConversation) => string,
  labelOf: (key: string) => string,
) {
  const rows = new Map<string, SlaReportRow>();
  for (const o of outcomes) {
    const key = keyOf(o.c);
    let r = rows.get(key);
    if (!r) {
      r = { key, label: labelOf(key), conversations: 0, firstResponseBreaches: 0, resolutionBreaches: 0 };
      rows.set(key, r);
    }
    r.conversations++;
    if (o.firstResponse === false) r.firstResponseBreaches++;
    if (o.resolution === false) r.resolutionBreaches++;
  }
  return [...rows.values()].sort(
    (a, b) =>
      b.firstResponseBreaches + b.resolutionBreaches - (a.firstResponseBreaches + a.resolutionBreaches) ||
      a.label.localeCompare(b.label),
  );
}

/**
 * The SLA report: of the conversations that asked in the range in a skill with targets, the share
 * that met each target (a target still running is not counted yet), and the breaches by skill,
 * agent, channel and day. Targets and hours are the skills' current ones.
 */
export async function slaReport(store: Store, f: ReportFilters, now = Date.now()): Promise<SlaReport> {
  const terms = await store.sla.terms(f.accountId);
  const skillIds = [...terms.keys()].filter((id) => !f.skillId || id === f.skillId);
  let asked = await store.sla.asked(f.accountId, skillIds, f.from, f.to);
  if (f.agentId) asked = asked.filter((c) => c.agentId === f.agentId);
  const outcomes: Outcome[] = [];
  for (const c of asked) {
    const t = terms.get(c.skillId)!;
    const clocks = slaClocks(t.targets, t.hours, c, now);
    if (clocks.length === 0) continue;
    const of = (target: string) => {
      const k = clocks.find((x) => x.target === target);
      if (!k) return null;
      if (k.breached) return false;
      return k.stoppedAt === null ? null : true;
    };
    outcomes.push({ c, firstResponse: of('first_response'), resolution: of('resolution') });
  }
  const agents = await agentNames(store.db, f.accountId);
  const days = new Map<number, SlaReport['days'][number]>();
  for (let d = startOfDay(f.tz, f.from); d < f.to; d = startOfDay(f.tz, d + 36 * 3_600_000)) {
    days.set(d, {
      date: localDate(f.tz, d),
      conversations: 0,
      firstResponseBreaches: 0,
      resolutionBreaches: 0,
    });
  }
  const hours = hourStarts(f)?.map((start) => ({
    date: new Date(start).toISOString(),
    conversations: 0,
    firstResponseBreaches: 0,
    resolutionBreaches: 0,
  }));
  for (const o of outcomes) {
    const hour = hours?.[Math.floor((o.c.startedAt - f.from) / HOUR_MS)];
    for (const bucket of [days.get(startOfDay(f.tz, o.c.startedAt)), hour]) {
      if (!bucket) continue;
      bucket.conversations++;
      if (o.firstResponse === false) bucket.firstResponseBreaches++;
      if (o.resolution === false) bucket.resolutionBreaches++;
    }
  }
  return {
    from: new Date(f.from).toISOString(),
    to: new Date(f.to).toISOString(),
    firstResponse: share(outcomes.map((o) => o.firstResponse)),
    resolution: share(outcomes.map((o) => o.resolution)),
    bySkill: breakdown(
      outcomes,
      (c) => c.skillId,
      (k) => terms.get(k)?.name ?? k,
    ),
    byAgent: breakdown(
      outcomes,
      (c) => c.agentId ?? '',
      (k) => (k ? (agents.get(k) ?? k) : 'Unassigned'),
    ),
    byChannel: breakdown(
      outcomes,
      (c) => c.channel,
      (k) => k,
    ),
    days: [...days.values()],
    ...(hours ? { hours } : {}),
  };
}

/** `YYYY-MM-DD` of a local midnight in `tz`. */
const localDate = (tz: string, t: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date(t + 3_600_000));

async function agentNames(db: Kysely<Database>, accountId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('account_id', '=', accountId)
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

interface CsvRow extends SlaReportRow {
  breakdown: string;
}

const SLA_COLUMNS: CsvColumn<CsvRow>[] = [
  { header: 'breakdown', value: (r) => r.breakdown },
  { header: 'key', value: (r) => r.key },
  { header: 'name', value: (r) => r.label },
  { header: 'conversations', value: (r) => r.conversations },
  { header: 'first_response_breaches', value: (r) => r.firstResponseBreaches },
  { header: 'resolution_breaches', value: (r) => r.resolutionBreaches },
];

/** The report's breakdowns as one CSV table: a row per skill, agent and channel, then a total. */
export function slaCsv(r: SlaReport): string {
  const tag = (breakdown: string, rows: SlaReportRow[]) => rows.map((x) => ({ ...x, breakdown }));
  const total: CsvRow = {
    breakdown: 'total',
    key: '',
    label: `first response met ${r.firstResponse.met}/${r.firstResponse.total}; resolution met ${r.resolution.met}/${r.resolution.total}`,
    conversations: r.bySkill.reduce((a, x) => a + x.conversations, 0),
    firstResponseBreaches: r.bySkill.reduce((a, x) => a + x.firstResponseBreaches, 0),
    resolutionBreaches: r.bySkill.reduce((a, x) => a + x.resolutionBreaches, 0),
  };
  return toCsv(SLA_COLUMNS, [
    ...tag('skill', r.bySkill),
    ...tag('agent', r.byAgent),
    ...tag('channel', r.byChannel),
    total,
  ]);
}
