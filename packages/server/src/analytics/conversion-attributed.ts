import type { WebhookEvent } from '@beckon/protocol/webhooks-api';
import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { RecordedConversion } from './conversion-recorder.ts';

/** Topic of the `conversion.recorded` bus event (live dashboards drop their cache on it). */
export const CONVERSION_RECORDED = 'conversion.recorded';

/**
 * The one place a conversion counts as attributed, whichever source saw it first (the tag's
 * purchase, `POST /api/v1/conversions`, a shop's webhook) or tied it to a visit later. Called
 * after the conversion and its attributions are committed: live dashboards hear of it on the bus,
 * and endpoints subscribed to `conversion.attributed` get it as a webhook.
 */
export async function conversionAttributed(
  deps: { store: Store; bus: Bus; log: Logger },
  recorded: RecordedConversion,
): Promise<void> {
  const { store, bus, log } = deps;
  const c = recorded.candidate;
  const credited = recorded.touches.filter((t) => t.credited);
  const event: WebhookEvent = {
    type: 'conversion.attributed',
    timestamp: new Date().toISOString(),
    data: {
      conversion: {
        id: recorded.id,
        siteId: c.siteId,
        visitorId: c.visitorId || null,
        contactId: null,
        orderId: c.orderId,
        value: c.revenue,
        currency: c.currency,
        source: recorded.sources[0] ?? 'tag',
        occurredAt: new Date(c.ts).toISOString(),
        exposureIds: credited.flatMap((t) => (t.exposureId ? [t.exposureId] : [])),
        campaignIds: [...new Set(credited.flatMap((t) => (t.campaignId ? [t.campaignId] : [])))],
      },
    },
  };
  // Queued after the conversion's own commit: a node that dies in between loses this one event.
  await store.webhooks
    .emit(c.accountId, [event])
    .catch((err) => log.warn({ err }, 'conversion.attributed not queued'));
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
