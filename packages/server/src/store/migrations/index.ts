import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-core.ts';
import * as m0002 from './0002-engagement.ts';
import * as m0003 from './0003-conversations.ts';
import * as m0004 from './0004-analytics.ts';
import * as m0005 from './0005-chat-extras.ts';
import * as m0006 from './0006-model.ts';
import * as m0007 from './0007-preferred-agent.ts';
import * as m0008 from './0008-event-frames.ts';
import * as m0009 from './0009-messages-retry-range.ts';
import * as m0010 from './0010-conversation-message-totals.ts';
import * as m0011 from './0011-assignment-history.ts';
import * as m0012 from './0012-invitation-words.ts';
import * as m0013 from './0013-messages-recent.ts';
import * as m0014 from './0014-conversation-changes.ts';
import * as m0015 from './0015-contacts-channels.ts';
import * as m0016 from './0016-email.ts';
import * as m0017 from './0017-outbox.ts';
import * as m0018 from './0018-app-push.ts';
import * as m0019 from './0019-conversation-states.ts';
import * as m0020 from './0020-contact-tokens.ts';
import * as m0021 from './0021-channel-connections.ts';
import * as m0022 from './0022-sms-opt-out.ts';
import * as m0023 from './0023-templates-consent.ts';
import * as m0024 from './0024-webhooks.ts';
import * as m0025 from './0025-server-conversions.ts';
import * as m0026 from './0026-business-hours.ts';
import * as m0027 from './0027-calls.ts';
import * as m0030 from './0030-two-factor-sessions.ts';
import * as m0031 from './0031-single-sign-on.ts';
import * as m0032 from './0032-bots.ts';
import * as m0033 from './0033-automation-rules.ts';
import * as m0035 from './0035-channel-csat.ts';
import * as m0036 from './0036-call-recordings.ts';
import * as m0037 from './0037-call-legs.ts';
import * as m0038 from './0038-audit-retention.ts';
import * as m0039 from './0039-ip-anonymisation.ts';
import * as m0040 from './0040-answer-generation.ts';
import * as m0041 from './0041-recording-legs.ts';
import * as m0042 from './0042-csat-template.ts';
import * as m0043 from './0043-agent-states.ts';
import * as m0045 from './0045-sla.ts';
import * as m0046 from './0046-widget-language.ts';
import * as m0047 from './0047-joined-agent.ts';
import * as m0049 from './0049-console-language.ts';
import * as m0050 from './0050-conversation-language.ts';
import * as m0051 from './0051-message-masking.ts';
import * as m0052 from './0052-exposure-report-indexes.ts';
import * as m0053 from './0053-campaign-lines.ts';
import * as m0055 from './0055-visitor-geo.ts';
import * as m0056 from './0056-variants.ts';
import * as m0057 from './0057-uplift-models.ts';
import * as m0059 from './0059-segments.ts';
import * as m0060 from './0060-contact-facts.ts';
import * as m0061 from './0061-broadcasts.ts';
import * as m0062 from './0062-broadcast-pacing.ts';
import * as m0063 from './0063-broadcast-measures.ts';
import * as m0064 from './0064-mentions.ts';
import * as m0065 from './0065-scheduled-messages.ts';
import * as m0066 from './0066-conversation-merges-macros.ts';
import * as m0067 from './0067-assist.ts';
import * as m0068 from './0068-conversation-summaries.ts';
import * as m0069 from './0069-contact-messages.ts';
import * as m0074 from './0074-live-translation.ts';
import * as m0076 from './0076-conversation-classifications.ts';
import * as m0078 from './0078-campaign-surfaces.ts';
import * as m0080 from './0080-phone.ts';
import * as m0083 from './0083-segment-count-indexes.ts';
import * as m0084 from './0084-translation-api-key.ts';
import * as m0085 from './0085-reading-language.ts';
import * as m0091 from './0091-trunk-retry.ts';
import * as m0092 from './0092-outbox-in-doubt.ts';
import * as m0094 from './0094-warm-transfer.ts';
import * as m0095 from './0095-phone-recording.ts';
import * as m0096 from './0096-assist-model-uses.ts';
import * as m0097 from './0097-agent-line-times.ts';
import * as m0098 from './0098-warm-skill.ts';
import * as m0099 from './0099-contact-facts-carts-opt-ins.ts';
import * as m0100 from './0100-conversation-inserts-uncounted.ts';

/** Every migration, in order. One set serves SQLite and PostgreSQL; add new files at the end. */
const migrations: Record<string, Migration> = {
  '0001-core': m0001,
  '0002-engagement': m0002,
  '0003-conversations': m0003,
  '0004-analytics': m0004,
  '0005-chat-extras': m0005,
  '0006-model': m0006,
  '0007-preferred-agent': m0007,
  '0008-event-frames': m0008,
  '0009-messages-retry-range': m0009,
  '0010-conversation-message-totals': m0010,
  '0011-assignment-history': m0011,
  '0012-invitation-words': m0012,
  '0013-messages-recent': m0013,
  '0014-conversation-changes': m0014,
  '0015-contacts-channels': m0015,
  '0016-email': m0016,
  '0017-outbox': m0017,
  '0018-app-push': m0018,
  '0019-conversation-states': m0019,
  '0020-contact-tokens': m0020,
  '0021-channel-connections': m0021,
  '0022-sms-opt-out': m0022,
  '0023-templates-consent': m0023,
  '0024-webhooks': m0024,
  '0025-server-conversions': m0025,
  '0026-business-hours': m0026,
  '0027-calls': m0027,
  '0030-two-factor-sessions': m0030,
  '0031-single-sign-on': m0031,
  '0032-bots': m0032,
  '0033-automation-rules': m0033,
  '0035-channel-csat': m0035,
  '0036-call-recordings': m0036,
  '0037-call-legs': m0037,
  '0038-audit-retention': m0038,
  '0039-ip-anonymisation': m0039,
  '0040-answer-generation': m0040,
  '0041-recording-legs': m0041,
  '0042-csat-template': m0042,
  '0043-agent-states': m0043,
  '0045-sla': m0045,
  '0046-widget-language': m0046,
  '0047-joined-agent': m0047,
  '0049-console-language': m0049,
  '0050-conversation-language': m0050,
  '0051-message-masking': m0051,
  '0052-exposure-report-indexes': m0052,
  '0053-campaign-lines': m0053,
  '0055-visitor-geo': m0055,
  '0056-variants': m0056,
  '0057-uplift-models': m0057,
  '0059-segments': m0059,
  '0060-contact-facts': m0060,
  '0061-broadcasts': m0061,
  '0062-broadcast-pacing': m0062,
  '0063-broadcast-measures': m0063,
  '0064-mentions': m0064,
  '0065-scheduled-messages': m0065,
  '0066-conversation-merges-macros': m0066,
  '0067-assist': m0067,
  '0068-conversation-summaries': m0068,
  '0069-contact-messages': m0069,
  '0074-live-translation': m0074,
  '0076-conversation-classifications': m0076,
  '0078-campaign-surfaces': m0078,
  '0080-phone': m0080,
  '0083-segment-count-indexes': m0083,
  '0084-translation-api-key': m0084,
  '0085-reading-language': m0085,
  '0091-trunk-retry': m0091,
  '0092-outbox-in-doubt': m0092,
  '0094-warm-transfer': m0094,
  '0095-phone-recording': m0095,
  '0096-assist-model-uses': m0096,
  '0097-agent-line-times': m0097,
  '0098-warm-skill': m0098,
  '0099-contact-facts-carts-opt-ins': m0099,
  '0100-conversation-inserts-uncounted': m0100,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

export const latestMigration = Object.keys(migrations).at(-1)!;
