import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';
import type { RecordedConversion } from './conversion-recorder.ts';

/** Topic of the `conversion.recorded` bus event (live dashboards drop their cache on it). */
export const CONVERSION_RECORDED = 'conversion.recorded';

/**
 * The one place a conversion counts as attributed, whichever source saw it first (the tag's
 * purchase, `POST /api/v1/conversions`, a shop's webhook) or tied it to a visit later. Called
 * after the conversion and its attributions are committed. The outgoing webhooks' emitter of
 * `conversion.attributed` hooks in here.
 */
export async function conversionAttributed(
  bus: Bus,
  log: Logger,
  recorded: RecordedConversion,
): Promise<void> {
  const c = recorded.candidate;
  await bus
    .publish(CONVERSION_RECORDED, {
      accountId: c.accountId,
      siteId: c.siteId,
      conversionId: recorded.id,
      kind: c.kind,
      revenue: c.revenue,
      sources: recorded.sources,
      campaignIds: recorded.touches.flatMap((t) => (t.campaignId ? [t.campaignId] : [])),
    })
    .catch((err) => log.warn({ err }, 'conversion.recorded publish failed'));
}
