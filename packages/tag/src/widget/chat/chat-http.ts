import type { PageCallbackInput } from '@beckon/protocol/call-protocol';
import type { ChatTopic } from '@beckon/protocol/canned-responses';
import type {
  Attachment,
  ChatAvailability,
  CsatInput,
  OfflineMessageInput,
  VisitorConversation,
} from '@beckon/protocol/chat-api';
import type { IdentifyInput, IdentifyResult } from '@beckon/protocol/contacts-api';
import { fileType } from './attachment-rules.ts';

export type { ChatTopic };

/** A refused or failed request, with a sentence the visitor can read. */
export class ChatHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** An upload in flight: its result, and a way to stop it. */
export interface Upload {
  done: Promise<Attachment>;
  abort(): void;
}

/** The visitor chat REST API on the Beckon origin (cross-origin from the customer's page, no cookies). */
export interface ChatHttp {
  availability(skillId?: string): Promise<ChatAvailability>;
  /** Topics for the pre-chat form (empty when the server offers none). */
  topics(): Promise<ChatTopic[]>;
  /** Leaves an offline message; with the token of a chat that turned offline, the message joins it. */
  offline(input: OfflineMessageInput, chatToken?: string): Promise<void>;
  /** Asks for a callback from the page (no chat needed). */
  callback(input: PageCallbackInput): Promise<void>;
  end(token: string): Promise<VisitorConversation>;
  csat(token: string, input: CsatInput): Promise<VisitorConversation>;
  upload(token: string, file: File, progress: (fraction: number) => void): Upload;
  /** E-mails the chat's transcript (to the chat's address, or to `email` when it has none); answers where it went. */
  transcript(token: string, email?: string): Promise<string>;
  /**
   * A signed-in user the site vouches for: the chat of `token` (when given) becomes theirs, and
   * the answer carries a token of their latest open conversation when it is another one.
   */
  identify(input: IdentifyInput, token?: string): Promise<IdentifyResult>;
}

const OFFLINE_TEXT = 'We couldn’t reach the chat service. Check your connection and try again.';

/** The visitor-facing sentence for an error body `{error:{code,message}}` (or a network failure). */
export function errorFrom(status: number, body: unknown): ChatHttpError {
  const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof err?.code === 'string' ? err.code : status ? 'http_error' : 'network';
  const text =
    status === 0
      ? OFFLINE_TEXT
      : status === 413
        ? 'That file is too large.'
        : status === 415
          ? 'That type of file can’t be sent.'
          : status === 429
            ? 'Too many tries. Please wait a moment and try again.'
            : status >= 500
              ? 'Something went wrong on our side. Please try again.'
              : typeof err?.message === 'string' && err.message
                ? `${err.message.charAt(0).toUpperCase()}${err.message.slice(1)}`
                : 'That didn’t work. Please try again.';
  return new ChatHttpError(status, code, text);
}

/** Builds the REST client for one site. */
export function createChatHttp(origin: string, siteKey: string): ChatHttp {
  const call = async <T>(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; bySite?: boolean } = {},
  ): Promise<T> => {
    const headers: Record<string, string> = {};
    if (opts.token) headers['x-beckon-chat-token'] = opts.token;
    if (!opts.token || opts.bySite) headers['x-beckon-site-key'] = siteKey;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${origin}${path}`, {
        method,
        headers,
        credentials: 'omit',
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
    } catch {
      throw errorFrom(0, null);
    }
    const body = await res.json().catch(() => null);
    if (!res.ok) throw errorFrom(res.status, body);
    return body as T;
  };
  return {
    availability: (skillId) =>
      call('GET', `/api/v1/chat/availability${skillId ? `?skillId=${encodeURIComponent(skillId)}` : ''}`),
    topics: () =>
      call<{ topics?: ChatTopic[] }>('GET', '/api/v1/chat/topics').then(
        (r) => (Array.isArray(r?.topics) ? r.topics : []),
        // An older server without topics: the form simply has no topic field.
        (err: ChatHttpError) => (err.status === 404 ? [] : Promise.reject(err)),
      ),
    offline: (input, chatToken) =>
      call('POST', '/api/v1/chat/offline', {
        body: input,
        ...(chatToken ? { token: chatToken, bySite: true } : {}),
      }).then(() => undefined),
    callback: (input) => call('POST', '/api/v1/chat/callback', { body: input }).then(() => undefined),
    end: (token) => call('POST', '/api/v1/chat/end', { token }),
    csat: (token, input) => call('POST', '/api/v1/chat/csat', { token, body: input }),
    transcript: (token, email) =>
      call<{ to: string }>('POST', '/api/v1/chat/transcript-email', {
        token,
        body: email ? { email } : {},
      }).then((r) => r.to),
    identify: (input, token) =>
      call('POST', '/api/v1/chat/identify', { body: input, ...(token ? { token, bySite: true } : {}) }),
    upload(token, file, progress) {
      const xhr = new XMLHttpRequest();
      const done = new Promise<Attachment>((resolve, reject) => {
        xhr.open('POST', `${origin}/api/v1/chat/attachments`);
        xhr.setRequestHeader('x-beckon-chat-token', token);
        xhr.setRequestHeader('x-file-name', encodeURIComponent(file.name || 'file'));
        xhr.setRequestHeader('content-type', fileType(file) || 'application/octet-stream');
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) progress(e.loaded / e.total);
        };
        xhr.onload = () => {
          let body: unknown = null;
          try {
            body = JSON.parse(xhr.responseText);
          } catch {
            // not JSON: reported by status below
          }
          const attachment = (body as { attachment?: Attachment } | null)?.attachment;
          if (xhr.status >= 200 && xhr.status < 300 && attachment) resolve(attachment);
          else reject(errorFrom(xhr.status, body));
        };
        xhr.onerror = () => reject(errorFrom(0, null));
        xhr.onabort = () => reject(new ChatHttpError(0, 'aborted', 'Upload cancelled.'));
        xhr.send(file);
      });
      return { done, abort: () => xhr.abort() };
    },
  };
}
