/** Agent assist: its settings (owners and admins), suggestions and their feedback, summaries, usage. */
import type {
  AssistSettings,
  AssistUpdate,
  ConversationSummary,
  ConversationTranslations,
  Suggestion,
  SuggestionFeedback,
  SuggestionList,
  SuggestionSource,
  SuggestionUsage,
} from '@beckon/protocol/assist-api';
import { request } from './http.ts';

export type {
  AssistSettings,
  AssistUpdate,
  ConversationSummary,
  Suggestion,
  SuggestionSource,
  SuggestionUsage,
};

export function fetchAssist(): Promise<AssistSettings> {
  return request('GET', '/api/v1/assist');
}

export function saveAssist(input: AssistUpdate): Promise<AssistSettings> {
  return request('PUT', '/api/v1/assist', { body: input });
}

/** The suggestions for a conversation's latest customer line (the socket sends the same as it goes). */
export function getSuggestions(conversationId: string): Promise<SuggestionList> {
  return request('GET', `/api/v1/conversations/${encodeURIComponent(conversationId)}/suggestions`);
}

/** Counts what the agent did with a suggestion. */
export function sendSuggestionFeedback(conversationId: string, feedback: SuggestionFeedback): Promise<void> {
  return request('POST', `/api/v1/conversations/${encodeURIComponent(conversationId)}/suggestions/feedback`, {
    body: feedback,
  });
}

/** Per agent and source: shown, used as is, used edited, ignored (owners, admins, analysts). */
export function getAssistUsage(): Promise<{ items: SuggestionUsage[] }> {
  return request('GET', '/api/v1/assist/usage');
}

/** A conversation's summary; a 404 when none was written. */
export function getSummary(conversationId: string): Promise<ConversationSummary> {
  return request('GET', `/api/v1/conversations/${encodeURIComponent(conversationId)}/summary`);
}

export function saveSummary(conversationId: string, text: string): Promise<ConversationSummary> {
  return request('PUT', `/api/v1/conversations/${encodeURIComponent(conversationId)}/summary`, {
    body: { text },
  });
}

/** Live translation: the customer's language and the lines in the agent's language. */
export function getTranslations(conversationId: string): Promise<ConversationTranslations> {
  return request('GET', `/api/v1/conversations/${encodeURIComponent(conversationId)}/translations`);
}
