import { conversionsRoutes } from './analytics/conversions-routes.ts';
import { reportsRoutes } from './analytics/reports-routes.ts';
import { variantsRoutes } from './analytics/variants-routes.ts';
import { assistFeature } from './assist/assist-feature.ts';
import { automationFeature } from './automation/automation-feature.ts';
import { botsFeature } from './bots/bots-feature.ts';
import { broadcastsFeature } from './broadcasts/broadcasts-feature.ts';
import { appChannelFeature } from './channels/app-channel.ts';
import { channelsFeature } from './channels/channels-feature.ts';
import { collabFeature } from './collab/collab-feature.ts';
import { commerceHooksRoutes } from './commerce/commerce-hooks-routes.ts';
import { commerceReceiversRoutes } from './commerce/commerce-receivers-routes.ts';
import { contactsRoutes } from './contacts/contacts-routes.ts';
import { segmentsRoutes } from './contacts/segments-routes.ts';
import { chatFeature } from './conversations/chat-feature.ts';
import { demoRoutes } from './demo/demo-routes.ts';
import { campaignsRoutes } from './engagement/campaigns-routes.ts';
import { engagementRoutes } from './engagement/engagement-routes.ts';
import { tagRoutes } from './engagement/tag-routes.ts';
import { visitorsRoutes } from './engagement/visitors-routes.ts';
import { privacyRoutes } from './privacy/privacy-routes.ts';
import { governanceFeature } from './retention/retention-feature.ts';
import { modelRoutes } from './scoring/model-routes.ts';
import { slaFeature } from './sla/sla-feature.ts';
import type { RoutesPlugin } from './web/types.ts';
import { webhooksFeature } from './webhooks/webhooks-feature.ts';

/**
 * Feature areas built on the core (tag and gateway, campaigns, conversations, analytics)
 * register their routes here, in order.
 */
export const routes: RoutesPlugin[] = [
  engagementRoutes,
  campaignsRoutes,
  visitorsRoutes,
  tagRoutes,
  demoRoutes,
  chatFeature,
  collabFeature,
  botsFeature,
  assistFeature,
  channelsFeature,
  contactsRoutes,
  segmentsRoutes,
  broadcastsFeature,
  appChannelFeature,
  reportsRoutes,
  variantsRoutes,
  conversionsRoutes,
  commerceReceiversRoutes,
  commerceHooksRoutes,
  modelRoutes,
  webhooksFeature,
  privacyRoutes,
  automationFeature,
  governanceFeature,
  slaFeature,
];
