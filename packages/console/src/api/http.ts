/** One fetch wrapper for the whole console: JSON in and out, CSRF header on writes, errors as ApiError. */
import { t } from '../i18n/i18n.ts';
import { serverMessage } from '../i18n/server-messages.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /**
   * The server's message as it was sent, for code that reads it (a campaign's faults are
   * "/path: fault; /path: fault"); `message` is the same put as a sentence for people.
   */
  readonly detail: string;

  constructor(status: number, code: string, message: string, detail = message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** The session's CSRF token, sent as x-csrf-token on every cookie-authenticated write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when an authenticated request comes back 401, so the app can return to the login page. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

/** A message a person can read, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError)
    return t('Could not reach the Beckon server. Check your connection and try again.');
  if (error instanceof Error) return error.message;
  return t('Something went wrong. Please try again.');
}

interface RequestOptions {
  body?: unknown;
  /** Auth endpoints handle 401 themselves instead of signalling an expired session. */
  expectUnauthorized?: boolean;
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;

  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });

  if (response.status === 204) return undefined as T;
  const payload = await readJson(response);

  if (!response.ok) {
    if (response.status === 401 && !options.expectUnauthorized) onUnauthorized?.();
    throw toApiError(response, payload);
  }
  return payload as T;
}

/** POSTs raw bytes (a file upload) with the session's CSRF token; errors as ApiError, like `request`. */
export async function uploadBytes<T>(path: string, body: Blob, headers: Record<string, string>): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { accept: 'application/json', ...headers, ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) },
    credentials: 'same-origin',
    body,
  });
  const payload = await readJson(response);
  if (!response.ok) {
    if (response.status === 401) onUnauthorized?.();
    throw toApiError(response, payload);
  }
  return payload as T;
}

/** POSTs JSON and answers the reply's bytes (a file to save), with a name from Content-Disposition. */
export async function downloadFile(path: string, body: unknown): Promise<{ blob: Blob; name: string }> {
  const response = await fetch(path, {
    method: 'POST',
    headers: {
      accept: 'application/zip, application/json',
      'content-type': 'application/json',
      ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}),
    },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    if (response.status === 401) onUnauthorized?.();
    throw toApiError(response, await readJson(response));
  }
  const name =
    /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'download';
  return { blob: await response.blob(), name };
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The console's own words for error codes whose server message is terse. */
function codeMessage(code: string): string | undefined {
  if (code === 'invalid_credentials') return t('Wrong e-mail or password.');
  if (code === 'wrong_current_password') return t('Your current password is not right.');
  return undefined;
}

function toApiError(response: Response, payload: unknown): ApiError {
  const error = (payload as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `http_${response.status}`;
  const detail = typeof error?.message === 'string' ? error.message.trim() : '';
  const message = codeMessage(code) ?? (detail ? readableMessage(detail) : fallbackMessage(response.status));
  return new ApiError(response.status, code, message, detail);
}

/** A server's message in the console's language when it is a known one, else as a sentence. */
export function readableMessage(detail: string): string {
  return serverMessage(detail) ?? asSentence(detail);
}

/** The API's messages are lower-case fragments ("the file is empty"); people read sentences. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

function fallbackMessage(status: number): string {
  if (status === 401) return t('Your session has ended. Please log in again.');
  if (status === 403) return t('Your role does not allow this action.');
  if (status === 404) return t('Not found. It may have been deleted.');
  if (status === 413) return t('This file is too large.');
  if (status === 415) return t('This kind of file cannot be sent.');
  if (status === 429) return t('Too many attempts. Please wait a moment and try again.');
  if (status >= 500) return t('The server had a problem. Please try again.');
  return t('Request failed ({status}).', { status });
}
