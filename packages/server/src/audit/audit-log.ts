import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../auth/auth-context.ts';
import { newTimeId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { AuditInsert } from '../store/audit-repo.ts';
import type { Store } from '../store/store.ts';
import { type SummaryMode, summarize } from './audit-summary.ts';
import { AuditWriter } from './audit-writer.ts';

/** Who acted, as the audit log names them. */
export interface AuditActor {
  type: 'user' | 'api_key' | 'system';
  id?: string | null;
  label?: string | null;
  role?: string | null;
  method?: string | null;
}

/** One entry to record: the action, its target and a summary of the change. */
export interface AuditEntry {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  /** The request body (summarized, secrets redacted) or a ready summary object. */
  details?: unknown;
  detailsMode?: SummaryMode;
}

/** The caller of an authenticated request, as an audit actor. */
export function actorOfAuth(auth: AuthContext): AuditActor {
  return auth.via === 'api_key'
    ? { type: 'api_key', id: auth.keyId, label: auth.label, role: auth.role, method: 'api_key' }
    : { type: 'user', id: auth.userId, label: auth.label, role: auth.role, method: auth.method };
}

const cut = (s: string | undefined, n: number) => (s === undefined ? null : s.slice(0, n));

/**
 * The audit log of a node: `record` appends one entry (group-committed with others of the same
 * moment) and resolves once it is stored. The HTTP hook (`audit-hook.ts`) calls it for every
 * successful change; sign-ins call it themselves.
 */
export class AuditLog {
  private readonly writer: AuditWriter;

  constructor(store: Store, log: Logger) {
    this.writer = new AuditWriter(store.audit, log);
  }

  /**
   * Records `entry` in `accountId`'s log as done by `actor`, from the request's address and
   * browser. `req.auth` names the actor when none is given.
   */
  record(
    req: FastifyRequest,
    entry: AuditEntry,
    who?: { accountId: string; actor: AuditActor },
  ): Promise<void> {
    const auth = req.auth;
    const accountId = who?.accountId ?? auth?.accountId;
    if (!accountId) return Promise.resolve();
    const actor = who?.actor ?? (auth ? actorOfAuth(auth) : { type: 'system' as const });
    return this.append(accountId, actor, entry, { ip: req.ip, userAgent: req.headers['user-agent'] });
  }

  /** Records an entry that no request made (the retention job). */
  append(
    accountId: string,
    actor: AuditActor,
    entry: AuditEntry,
    from: { ip?: string; userAgent?: string } = {},
    now = Date.now(),
  ): Promise<void> {
    const row: AuditInsert = {
      id: newTimeId('aud', now),
      account_id: accountId,
      at: now,
      actor_type: actor.type,
      actor_id: actor.id ?? null,
      actor_label: actor.label ?? null,
      actor_role: actor.role ?? null,
      auth_method: actor.method ?? null,
      ip: cut(from.ip, 64),
      user_agent: cut(from.userAgent, 256),
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      summary: summarize(entry.details, entry.detailsMode),
    };
    return this.writer.record(row);
  }

  /** Stores what is still queued (shutdown). */
  close(): Promise<void> {
    return this.writer.close();
  }
}
