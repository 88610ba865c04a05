import {
  type ChannelSetting,
  type ChannelSettingInput,
  SURVEY_CHANNELS,
  type SurveyTemplate,
} from '@beckon/protocol/channels-api';
import type { Kysely } from 'kysely';
import { badRequest } from '../errors.ts';
import type { ConversationsTable, Database } from './schema.ts';

type ChannelKind = ConversationsTable['channel'];

/** Every channel, in the order settings list them. */
export const CHANNEL_KINDS: readonly ChannelKind[] = [
  'web',
  'app',
  'email',
  'api',
  'messenger',
  'whatsapp',
  'instagram',
  'telegram',
  'sms',
  'voice',
];

/** One live chat, in the thousandths weights are kept in. */
export const WEIGHT_UNIT = 1000;

/**
 * Default capacity weights in thousandths of a live chat: a customer in the app or by e-mail does
 * not wait on a page, so an agent holds more of those threads at once.
 */
const DEFAULT_WEIGHTS: Partial<Record<ChannelKind, number>> = { web: 1000, app: 500, email: 250 };

/** Capacity weights of an account's channels, in thousandths (`WEIGHT_UNIT`). */
export type ChannelWeights = (channel: string) => number;

/** The survey template of a settings row, when both its name and its language are set. */
const templateOf = (
  r: { csat_template_name: string | null; csat_template_language: string | null } | undefined,
): SurveyTemplate | null =>
  r?.csat_template_name && r.csat_template_language
    ? { name: r.csat_template_name, language: r.csat_template_language }
    : null;

/** Per-channel routing settings of an account: a default skill and a capacity weight each. */
export class ChannelSettingsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every channel's settings, defaults filled in. */
  async list(accountId: string, db: Kysely<Database> = this.db): Promise<ChannelSetting[]> {
    const rows = await db
      .selectFrom('channel_settings')
      .selectAll()
      .where('account_id', '=', accountId)
      .execute();
    const byChannel = new Map(rows.map((r) => [r.channel, r]));
    return CHANNEL_KINDS.map((channel) => {
      const r = byChannel.get(channel);
      return {
        channel,
        defaultSkillId: r?.default_skill_id ?? null,
        weight: Number(r?.weight_milli ?? DEFAULT_WEIGHTS[channel] ?? WEIGHT_UNIT) / WEIGHT_UNIT,
        csatSurvey: Number(r?.csat_survey ?? 0) === 1,
        csatTemplate: templateOf(r),
      };
    });
  }

  /** The weight of each channel in thousandths, read once (a transaction may pass itself as `db`). */
  async weights(accountId: string, db: Kysely<Database> = this.db): Promise<ChannelWeights> {
    const rows = await db
      .selectFrom('channel_settings')
      .select(['channel', 'weight_milli'])
      .where('account_id', '=', accountId)
      .execute();
    const set = new Map<string, number>(rows.map((r) => [r.channel, Number(r.weight_milli)]));
    return (channel) => set.get(channel) ?? DEFAULT_WEIGHTS[channel as ChannelKind] ?? WEIGHT_UNIT;
  }

  /** The default skill of a channel, or null. */
  async defaultSkill(accountId: string, channel: ChannelKind): Promise<string | null> {
    const r = await this.db
      .selectFrom('channel_settings')
      .select('default_skill_id')
      .where('account_id', '=', accountId)
      .where('channel', '=', channel)
      .executeTakeFirst();
    return r?.default_skill_id ?? null;
  }

  /**
   * Whether a resolved conversation of `channel` sends the customer a satisfaction survey: null
   * when not, else the template it is sent as outside WhatsApp's window (null: none chosen).
   */
  async surveys(
    accountId: string,
    channel: ChannelKind,
  ): Promise<{ template: SurveyTemplate | null } | null> {
    const r = await this.db
      .selectFrom('channel_settings')
      .select(['csat_survey', 'csat_template_name', 'csat_template_language'])
      .where('account_id', '=', accountId)
      .where('channel', '=', channel)
      .executeTakeFirst();
    return Number(r?.csat_survey ?? 0) === 1 ? { template: templateOf(r) } : null;
  }

  /** Changes the channels named; a default skill must be one of the account's. */
  async put(
    accountId: string,
    items: readonly ChannelSettingInput[],
    now = Date.now(),
  ): Promise<ChannelSetting[]> {
    const current = new Map((await this.list(accountId)).map((s) => [s.channel, s]));
    const skillIds = items.map((i) => i.defaultSkillId).filter((id): id is string => typeof id === 'string');
    if (skillIds.length > 0) {
      const found = await this.db
        .selectFrom('skills')
        .select('id')
        .where('account_id', '=', accountId)
        .where('id', 'in', skillIds)
        .execute();
      const known = new Set(found.map((s) => s.id));
      const i = items.findIndex(
        (it) => typeof it.defaultSkillId === 'string' && !known.has(it.defaultSkillId),
      );
      if (i >= 0) throw badRequest(`items/${i}/defaultSkillId: unknown skill id`, 'unknown_skill');
    }
    const seen = new Set<string>();
    for (const [i, it] of items.entries()) {
      if (seen.has(it.channel)) throw badRequest(`items/${i}/channel: ${it.channel} is named twice`);
      seen.add(it.channel);
      if (it.csatSurvey && !(SURVEY_CHANNELS as readonly string[]).includes(it.channel))
        throw badRequest(
          `items/${i}/csatSurvey: ${it.channel} has no survey of its own (web chat asks in the widget)`,
          'survey_not_supported',
        );
      if (it.csatTemplate && it.channel !== 'whatsapp')
        throw badRequest(
          `items/${i}/csatTemplate: only WhatsApp sends a survey as a template`,
          'survey_template_not_supported',
        );
    }
    await this.db.transaction().execute(async (trx) => {
      for (const it of items) {
        const was = current.get(it.channel)!;
        const values = {
          account_id: accountId,
          channel: it.channel,
          default_skill_id: it.defaultSkillId === undefined ? was.defaultSkillId : it.defaultSkillId,
          weight_milli: Math.round((it.weight ?? was.weight) * WEIGHT_UNIT),
          csat_survey: (it.csatSurvey ?? was.csatSurvey) ? 1 : 0,
          csat_template_name:
            (it.csatTemplate === undefined ? was.csatTemplate : it.csatTemplate)?.name ?? null,
          csat_template_language:
            (it.csatTemplate === undefined ? was.csatTemplate : it.csatTemplate)?.language ?? null,
          updated_at: now,
        };
        await trx
          .insertInto('channel_settings')
          .values(values)
          .onConflict((oc) =>
            oc.columns(['account_id', 'channel']).doUpdateSet({
              default_skill_id: values.default_skill_id,
              weight_milli: values.weight_milli,
              csat_survey: values.csat_survey,
              csat_template_name: values.csat_template_name,
              csat_template_language: values.csat_template_language,
              updated_at: now,
            }),
          )
          .execute();
      }
    });
    return this.list(accountId);
  }
}
