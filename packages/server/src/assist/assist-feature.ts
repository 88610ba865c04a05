import type { Conversation } from '@beckon/protocol/chat-api';
import { botsOf, knowledgeOf } from '../bots/bots-feature.ts';
import type { AppContext } from '../context.ts';
import { chatOf } from '../conversations/chat-module.ts';
import { maskerOf } from '../privacy/message-masker.ts';
import type { App } from '../web/types.ts';
import { AssistMetrics } from './assist-metrics.ts';
import { assistRoutes } from './assist-routes.ts';
import { classificationRoutes } from './classification-routes.ts';
import { automationCauseNow, IntentClassifier } from './intent-classifier.ts';
import { LiveTranslation } from './live-translation.ts';
import { SimilarReplies } from './similar-replies.ts';
import { SuggestionSearch } from './suggestion-search.ts';
import { SuggestionWriter } from './suggestion-writer.ts';
import { SummaryWriter } from './summary-writer.ts';
import { translationRoutes } from './translation-routes.ts';

/**
 * Agent assist: suggested replies on each customer line (search, and a model when one is set),
 * live translation between the customer's language and the agent's, and summaries on transfer
 * and close. Off until an admin turns it on. Registered in
 * `features.ts` after the chat and bots features it listens to.
 */
export async function assistFeature(app: App, ctx: AppContext): Promise<void> {
  const chat = chatOf(ctx);
  if (!chat) throw new Error('the assist feature needs the chat feature');
  const log = ctx.logger.child({ component: 'assist' });
  const { store, egress } = ctx;
  const metrics = new AssistMetrics(ctx.metrics.registry);
  const similar = new SimilarReplies(store);
  const knowledge = knowledgeOf(ctx);
  const search = new SuggestionSearch(store, knowledge, similar);
  const events = chat.announcer.events;
  const masker = maskerOf(ctx);
  const suggestions = new SuggestionWriter({
    store,
    egress,
    events,
    masker,
    knowledge,
    search,
    metrics,
    log,
  });
  const summaries = new SummaryWriter({ store, egress, events, masker, suggestions, metrics, log });
  const classifier = new IntentClassifier({
    store,
    egress,
    masker,
    suggestions,
    metrics,
    log,
    changed: (accountId, conversationId, c, cause) =>
      void store.automationEvents
        .queueClassified(accountId, conversationId, c, cause, Date.now())
        .catch((err: unknown) => log.warn({ err, conversationId }, 'classified event not queued')),
  });
  const translation = new LiveTranslation({ store, egress, events, masker, suggestions, metrics, log });
  chat.replyTranslation.translator = translation;
  chat.lineListeners.add((accountId, message) => {
    suggestions.onLine(accountId, message);
    translation.onLine(accountId, message);
    classifier.onLine(accountId, message);
  });
  chat.agents.onTransferred((accountId, c) => {
    summaries.onHandover(accountId, c);
    classifier.onHandover(accountId, c, automationCauseNow());
  });
  const resolved = (accountId: string, c: Conversation) => {
    similar.forget(accountId);
    summaries.onHandover(accountId, c);
    classifier.onHandover(accountId, c, automationCauseNow());
  };
  chat.agents.onResolved(resolved);
  chat.visitors.onEnded(resolved);
  botsOf(ctx)?.onResolved(resolved);
  assistRoutes(app, ctx, chat, suggestions, summaries);
  classificationRoutes(app, ctx, chat);
  translationRoutes(app, ctx, chat, translation);
}
