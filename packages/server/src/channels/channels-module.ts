import type { ChannelRegistry } from './channel.ts';
import type { ChannelInbox } from './channel-inbox.ts';
import type { CsatSurveys } from './csat/csat-surveys.ts';
import type { OutboxDispatcher } from './outbox-dispatcher.ts';

/** The channel seam of one node: the channels it knows, the inbox their traffic enters by, the outbox. */
export interface ChannelsModule {
  registry: ChannelRegistry;
  inbox: ChannelInbox;
  /** Sends agents' lines out through their channels; channels report receipts to it. */
  outbox: OutboxDispatcher;
  /** Satisfaction surveys on the customers' own channels, and their answers. */
  surveys: CsatSurveys;
}
