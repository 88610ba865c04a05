import type { AppContext } from '../context.ts';
import type { App } from '../web/types.ts';
import { registerCollectRoute } from './collect-route.ts';
import { engagementOf } from './engagement-runtime.ts';
import { registerVisitorGateway } from './visitor-gateway.ts';

/** The visitor-facing endpoints: the `/v1/visitor` WebSocket and the `/t/collect` beacon. */
export function engagementRoutes(app: App, ctx: AppContext): void {
  const rt = engagementOf(ctx);
  registerVisitorGateway(ctx, rt);
  registerCollectRoute(app, rt);
}
