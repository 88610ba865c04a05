import type { ArticleCreate, ArticleUpdate, KnowledgeArticle } from '@beckon/protocol/bots-api';
import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import type { KnowledgeArticlesTable } from './bot-schema.ts';
import { iso, jsonArray } from './rows.ts';
import type { Database } from './schema.ts';

/** Most articles one account's knowledge base holds (the answer bot indexes them all in memory). */
export const MAX_ARTICLES = 5000;

const toArticle = (r: Selectable<KnowledgeArticlesTable>): KnowledgeArticle => ({
  id: r.id,
  title: r.title,
  body: r.body,
  tags: jsonArray(r.tags),
  language: r.language,
  url: r.url,
  createdAt: iso(Number(r.created_at))!,
  updatedAt: iso(Number(r.updated_at))!,
});

/** The articles admins write for the answer bot: per account, newest edit first. */
export class KnowledgeRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async list(accountId: string): Promise<KnowledgeArticle[]> {
    const rows = await this.db
      .selectFrom('knowledge_articles')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .limit(MAX_ARTICLES)
      .execute();
    return rows.map(toArticle);
  }

  async get(accountId: string, id: string): Promise<KnowledgeArticle> {
    const row = await this.db
      .selectFrom('knowledge_articles')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('article');
    return toArticle(row);
  }

  async create(accountId: string, input: ArticleCreate, now = Date.now()): Promise<KnowledgeArticle> {
    const row: Selectable<KnowledgeArticlesTable> = {
      id: newId('art'),
      account_id: accountId,
      title: input.title.trim(),
      body: input.body,
      tags: JSON.stringify(input.tags ?? []),
      language: input.language ?? 'en',
      url: input.url ?? null,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('knowledge_articles').values(row).execute();
    return toArticle(row);
  }

  async update(
    accountId: string,
    id: string,
    patch: ArticleUpdate,
    now = Date.now(),
  ): Promise<KnowledgeArticle> {
    await this.get(accountId, id);
    const values: Partial<Selectable<KnowledgeArticlesTable>> = { updated_at: now };
    if (patch.title !== undefined) values.title = patch.title.trim();
    if (patch.body !== undefined) values.body = patch.body;
    if (patch.tags !== undefined) values.tags = JSON.stringify(patch.tags);
    if (patch.language !== undefined) values.language = patch.language;
    if (patch.url !== undefined) values.url = patch.url;
    await this.db
      .updateTable('knowledge_articles')
      .set(values)
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
    return this.get(accountId, id);
  }

  async delete(accountId: string, id: string): Promise<void> {
    const res = await this.db
      .deleteFrom('knowledge_articles')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound('article');
  }
}
