import type { DimensionFigures } from '@beckon/protocol/reports-api';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { conversationAggregates, conversationsIn, figuresOf } from './conversations-report.ts';
import type { ReportFilters } from './report-filters.ts';

/**
 * The conversations report split by assist's intent or sentiment: the same conversations and
 * formulas as the per-day report, so the rows add up to its total. Conversations never classified
 * (or with no intent that fits) are the row whose `value` is null.
 */
export async function classificationBreakdown(
  db: Kysely<Database>,
  f: ReportFilters,
  dimension: 'intent' | 'sentiment',
): Promise<DimensionFigures[]> {
  const column = dimension === 'intent' ? 'k.intent' : 'k.sentiment';
  const rows = (await conversationsIn(db, f)
    .leftJoin('conversation_classifications as k', 'k.conversation_id', 'c.id')
    .select((eb) => [
      `${column} as value` as 'k.intent as value',
      ...conversationAggregates(eb as unknown as Parameters<typeof conversationAggregates>[0]),
    ])
    .groupBy(column)
    .execute()) as Array<Record<string, unknown>>;
  return rows
    .map((r) => {
      const { day: _day, ...figures } = figuresOf('total', r);
      return { value: r.value == null ? null : String(r.value), ...figures };
    })
    .sort(
      (a, b) =>
        b.conversations - a.conversations ||
        (a.value === null ? 1 : b.value === null ? -1 : a.value.localeCompare(b.value)),
    );
}
