import { type AuditEntry, AuditPage, AuditQuery } from '@beckon/protocol/governance-api';
import { Type } from 'typebox';
import { toCsv } from '../analytics/csv-table.ts';
import { ADMINS, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { badRequest } from '../errors.ts';
import type { AuditRow, AuditQuery as RepoQuery } from '../store/audit-repo.ts';
import { errors, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';

/** The most rows one CSV export holds; narrow the filters for more. */
const CSV_MAX_ROWS = 50_000;

const entryOf = (r: AuditRow): AuditEntry => ({
  id: r.id,
  at: new Date(Number(r.at)).toISOString(),
  actor: {
    type: r.actor_type,
    id: r.actor_id,
    label: r.actor_label,
    role: r.actor_role,
    method: r.auth_method,
  },
  ip: r.ip,
  userAgent: r.user_agent,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  details: r.summary ? (JSON.parse(r.summary) as Record<string, unknown>) : null,
});

/** A cursor is the last row's time and id, opaque to clients. */
const cursorOf = (r: AuditRow) => Buffer.from(`${Number(r.at)}.${r.id}`).toString('base64url');

function parseCursor(cursor: string): { at: number; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('.', 2);
  if (!at || !id || !/^\d+$/.test(at)) throw badRequest('cursor is not one this API gave', 'invalid_cursor');
  return { at: Number(at), id };
}

function filtersOf(q: AuditQuery): Omit<RepoQuery, 'limit'> {
  const from = q.from ? Date.parse(q.from) : undefined;
  const to = q.to ? Date.parse(q.to) : undefined;
  if (from !== undefined && to !== undefined && from >= to)
    throw badRequest('from must be before to', 'invalid_range');
  return {
    actor: q.actor || undefined,
    action: q.action || undefined,
    targetType: q.targetType || undefined,
    from,
    to,
    after: q.cursor ? parseCursor(q.cursor) : undefined,
  };
}

const CSV_COLUMNS = [
  { header: 'time', value: (e: AuditEntry) => e.at },
  { header: 'action', value: (e: AuditEntry) => e.action },
  { header: 'actor_type', value: (e: AuditEntry) => e.actor.type },
  { header: 'actor', value: (e: AuditEntry) => e.actor.label },
  { header: 'actor_id', value: (e: AuditEntry) => e.actor.id },
  { header: 'role', value: (e: AuditEntry) => e.actor.role },
  { header: 'method', value: (e: AuditEntry) => e.actor.method },
  { header: 'ip', value: (e: AuditEntry) => e.ip },
  { header: 'user_agent', value: (e: AuditEntry) => e.userAgent },
  { header: 'target_type', value: (e: AuditEntry) => e.targetType },
  { header: 'target_id', value: (e: AuditEntry) => e.targetId },
  { header: 'details', value: (e: AuditEntry) => (e.details ? JSON.stringify(e.details) : '') },
];

/** The audit log: a filtered page for the console, and the same filters as CSV. Owners and admins only. */
export function auditRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['audit'];

  app.get(
    '/api/v1/audit-log',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Who did what and when: the account’s audit log, newest first',
        description:
          'Filters: `actor` (a user or key id, or an e-mail), `action`, `targetType`, and a time range ' +
          '`from` (inclusive) to `to` (exclusive). Pass `nextCursor` as `cursor` for older entries.',
        querystring: AuditQuery,
        response: replies(200, AuditPage),
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 50;
      const rows = await store.audit.list(authOf(req).accountId, {
        ...filtersOf(req.query),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return {
        items: page.map(entryOf),
        nextCursor: rows.length > limit ? cursorOf(page.at(-1)!) : null,
      };
    },
  );

  app.get(
    '/api/v1/audit-log/export.csv',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'The audit log as CSV, with the same filters (at most 50,000 rows)',
        querystring: Type.Omit(AuditQuery, ['cursor', 'limit']),
        response: {
          200: { description: 'The entries as CSV', content: { 'text/csv': { schema: Type.String() } } },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const accountId = authOf(req).accountId;
      const filters = filtersOf(req.query);
      const entries: AuditEntry[] = [];
      while (entries.length < CSV_MAX_ROWS) {
        const rows = await store.audit.list(accountId, { ...filters, limit: 1000 });
        entries.push(...rows.map(entryOf));
        if (rows.length < 1000) break;
        const last = rows.at(-1)!;
        filters.after = { at: Number(last.at), id: last.id };
      }
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="beckon-audit-log.csv"')
        .header('cache-control', 'no-store')
        .send(toCsv(CSV_COLUMNS, entries.slice(0, CSV_MAX_ROWS)));
    },
  );
}
