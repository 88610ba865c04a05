/** Agent bots and the answer bot's knowledge base (owners and admins manage them; everyone reads). */
import type {
  AnswerGeneration,
  AnswerGenerationUpdate,
  ArticleCreate,
  ArticleSearch,
  ArticleUpdate,
  Bot,
  BotCreate,
  BotCreated,
  BotUpdate,
  KnowledgeArticle,
} from '@beckon/protocol/bots-api';
import { request } from './http.ts';
import type { List } from './types.ts';

export type {
  AnswerGeneration,
  AnswerGenerationUpdate,
  ArticleCreate,
  ArticleSearch,
  ArticleUpdate,
  Bot,
  BotCreate,
  BotCreated,
  BotUpdate,
  KnowledgeArticle,
};

const one = (path: string, id: string) => `${path}/${encodeURIComponent(id)}`;

export async function listBots(): Promise<Bot[]> {
  return (await request<List<Bot>>('GET', '/api/v1/bots')).items;
}

export function createBot(input: BotCreate): Promise<BotCreated> {
  return request('POST', '/api/v1/bots', { body: input });
}

export function updateBot(id: string, patch: BotUpdate): Promise<Bot> {
  return request('PATCH', one('/api/v1/bots', id), { body: patch });
}

export function deleteBot(id: string): Promise<void> {
  return request('DELETE', one('/api/v1/bots', id));
}

export async function listArticles(): Promise<KnowledgeArticle[]> {
  return (await request<List<KnowledgeArticle>>('GET', '/api/v1/knowledge/articles')).items;
}

export function createArticle(input: ArticleCreate): Promise<KnowledgeArticle> {
  return request('POST', '/api/v1/knowledge/articles', { body: input });
}

export function updateArticle(id: string, patch: ArticleUpdate): Promise<KnowledgeArticle> {
  return request('PATCH', one('/api/v1/knowledge/articles', id), { body: patch });
}

export function deleteArticle(id: string): Promise<void> {
  return request('DELETE', one('/api/v1/knowledge/articles', id));
}

export function searchArticles(q: string, botId?: string): Promise<ArticleSearch> {
  const query = new URLSearchParams({ q, ...(botId ? { botId } : {}) });
  return request('GET', `/api/v1/knowledge/search?${query}`);
}

/** The answer bot's generated answers (an OpenAI-compatible endpoint); the key is never read back. */
export function fetchAnswerGeneration(): Promise<AnswerGeneration> {
  return request('GET', '/api/v1/knowledge/generation');
}

export function saveAnswerGeneration(input: AnswerGenerationUpdate): Promise<AnswerGeneration> {
  return request('PUT', '/api/v1/knowledge/generation', { body: input });
}
