import { AppError } from '../errors.ts';

/** Socket-level failures: the store's host refused, dropped or never answered the connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATE classes and codes that mean "the server is not there right now", not "this
 * statement is wrong": connection exceptions (08…), an administrator's shutdown or a server
 * starting or in recovery (57P01–57P03), too many connections (53300).
 */
function isUnavailableSqlState(code: string): boolean {
  return (
    code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300'
  );
}

/** What node-postgres says when a pooled client lost its connection or never got one. */
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'the database system is starting up',
  'the database system is shutting down',
];

/** True when `err` says the store cannot be reached (as opposed to a statement that failed). */
export function isStoreUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || isUnavailableSqlState(e.code))) return true;
  if (typeof e.message === 'string' && PG_MESSAGES.some((m) => (e.message as string).includes(m)))
    return true;
  // node-postgres's own connect timeout (a silent network), with no code to go by.
  if (e.message === 'timeout expired' && e.code === undefined) return true;
  // AggregateError (a host with several addresses) and wrapped causes.
  if (Array.isArray(e.errors) && e.errors.some(isStoreUnavailable)) return true;
  return e.cause !== undefined && e.cause !== err && isStoreUnavailable(e.cause);
}

/** The error a client gets for work that needs the store while it is unreachable (HTTP 503). */
export function storeUnavailable(): AppError {
  return new AppError(503, 'store_unavailable', 'the store is unreachable right now; try again shortly');
}

/** A one-line reason for logs and `/readyz`, without the stack. */
export function describeStoreError(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' && e.message ? e.message : String(err);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}
