import { automationFeature } from './automation/automation-feature.ts';
import { botsFeature } from './bots/bots-feature.ts';
import { appChannelFeature } from './channels/app-channel.ts';
import { channelsFeature } from './channels/channels-feature.ts';
import { chatFeature } from './conversations/chat-feature.ts';
import { engagementRoutes } from './engagement/engagement-routes.ts';
import type { RoutesPlugin } from './http/app.ts';
import { campaignsRoutes } from './http/routes/campaigns-routes.ts';
import { commerceHooksRoutes } from './http/routes/commerce-hooks-routes.ts';
import { commerceReceiversRoutes } from './http/routes/commerce-receivers-routes.ts';
import { contactsRoutes } from './http/routes/contacts-routes.ts';
import { conversionsRoutes } from './http/routes/conversions-routes.ts';
import { demoRoutes } from './http/routes/demo-routes.ts';
import { modelRoutes } from './http/routes/model-routes.ts';
import { privacyRoutes } from './http/routes/privacy-routes.ts';
import { reportsRoutes } from './http/routes/reports-routes.ts';
import { tagRoutes } from './http/routes/tag-routes.ts';
import { visitorsRoutes } from './http/routes/visitors-routes.ts';
import { governanceFeature } from './retention/retention-feature.ts';
import { slaFeature } from './sla/sla-feature.ts';
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
  botsFeature,
  channelsFeature,
  contactsRoutes,
  appChannelFeature,
  reportsRoutes,
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
