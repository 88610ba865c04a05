import type { AppContext } from '../context.ts';
import { chatOf } from '../conversations/chat-feature.ts';
import type { App } from '../http/types.ts';
import { ChannelRegistry } from './channel.ts';
import { ChannelInbox } from './channel-inbox.ts';

/** The channel seam of one node: the channels it knows and the inbox their traffic enters by. */
export interface ChannelsModule {
  registry: ChannelRegistry;
  inbox: ChannelInbox;
}

const modules = new WeakMap<AppContext, ChannelsModule>();

/** The channel seam of a node (registered after the chat feature). */
export function channelsOf(ctx: AppContext): ChannelsModule {
  const m = modules.get(ctx);
  if (!m) throw new Error('the channels feature is not registered');
  return m;
}

/** Channels: the registry and the inbox every channel's inbound traffic enters by. Registered in `features.ts`. */
export async function channelsFeature(_app: App, ctx: AppContext): Promise<void> {
  const chat = chatOf(ctx);
  if (!chat) throw new Error('the channels feature needs the chat feature');
  const registry = new ChannelRegistry();
  const inbox = new ChannelInbox(
    ctx.store,
    chat.announcer,
    (accountId, _channel, topic) => chat.visitors.chooseSkill(accountId, topic ? { topic } : {}),
    (accountId) => chat.router.schedule(accountId),
  );
  modules.set(ctx, { registry, inbox });
}
