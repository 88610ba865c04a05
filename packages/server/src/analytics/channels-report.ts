import type { ChannelsReport } from '@beckon/protocol/reports-api';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { conversationAggregates, conversationsIn, figuresOf, totalOf } from './conversations-report.ts';
import { periodOf, type ReportFilters } from './report-filters.ts';

/**
 * The conversations report split by channel: volume, service times and CSAT of web chat, e-mail,
 * in-app, WhatsApp, Telegram, SMS and whatever else a conversation's `channel` holds. The same
 * conversations and formulas as the per-day report, so the channels add up to its total.
 */
export async function channelsReport(db: Kysely<Database>, f: ReportFilters): Promise<ChannelsReport> {
  const rows = await conversationsIn(db, f)
    .select((eb) => ['c.channel as channel', ...conversationAggregates(eb)])
    .groupBy('c.channel')
    .execute();
  const channels = rows
    .map((r) => {
      const { day: _day, ...figures } = figuresOf('total', r);
      return { channel: String(r.channel), ...figures };
    })
    .sort((a, b) => b.conversations - a.conversations || a.channel.localeCompare(b.channel));
  return { period: periodOf(f), total: totalOf(rows, 'channel'), channels };
}
