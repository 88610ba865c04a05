import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from './close-server.ts';
import { MediaFiles } from './media-files.ts';

/** A Send API call the local Graph API accepted. */
export interface PageSent {
  recipient: string;
  messagingType: string;
  tag?: string;
  text?: string;
  attachment?: { type: string; url: string };
  /** The titles of the quick replies under the message. */
  quickReplies?: string[];
  /** What each quick reply sends back when tapped, in the same order. */
  quickPayloads?: string[];
  id: string;
}

export interface PageOptions {
  pageId: string;
  pageAccessToken: string;
  pageName?: string;
  /** The Instagram professional account linked to the page (Instagram connections). */
  instagram?: { id: string; username: string };
}

/**
 * A local Graph API for the Messenger Platform, built from Meta's Send API and User Profile
 * documentation: `POST /v21.0/{page-id}/messages` (and `/me/messages`) checks the page token and
 * the body (`recipient`, `messaging_type` RESPONSE / UPDATE / MESSAGE_TAG with a `tag`, a `message`
 * with `text` or one `attachment` by URL) and answers `{ recipient_id, message_id }`; `GET
 * /{page-id}` answers the page (and its linked Instagram account); `GET /{psid}` answers a
 * customer's profile. Errors use Meta's bodies (190 bad token, 100 bad parameter, 2 outage).
 * Attachment URLs the customers' messages carry are served from `/cdn/{id}`, without a token.
 */
export async function startPageGraphApi(opts: PageOptions) {
  const sent: PageSent[] = [];
  const profiles = new Map<string, Record<string, string>>();
  const media = new MediaFiles();
  const profileReads: string[] = [];
  let outage = 0;
  /** Answers the next sends give instead of sending, in order (an outage with a 429 in it). */
  const scripts: { status: number; code: number; message: string; retryAfter?: number }[] = [];
  /** Every send's answer, with its time. */
  const calls: { status: number; at: number }[] = [];
  let refuse: ((body: string) => boolean) | null = null;
  let n = 0;
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, code: number, message: string, subcode?: number) =>
    answer(res, status, {
      error: {
        message,
        type: code === 190 ? 'OAuthException' : 'GraphMethodException',
        code,
        ...(subcode ? { error_subcode: subcode } : {}),
        fbtrace_id: randomBytes(8).toString('hex'),
      },
    });
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const cdn = /^\/cdn\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && cdn) return media.send(res, cdn[1]!);
    if (req.headers.authorization !== `Bearer ${opts.pageAccessToken}`)
      return fail(res, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
    const node = /^\/v\d+\.\d+\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && node) {
      if (node[1] === opts.pageId)
        return answer(res, 200, {
          id: opts.pageId,
          name: opts.pageName ?? 'Demo Store',
          ...(opts.instagram
            ? { instagram_business_account: { id: opts.instagram.id, username: opts.instagram.username } }
            : {}),
        });
      const profile = profiles.get(node[1]!);
      profileReads.push(node[1]!);
      if (profile) return answer(res, 200, { ...profile, id: node[1] });
      return fail(res, 400, 100, `Unsupported get request. Object with ID '${node[1]}' does not exist`, 33);
    }
    const edge = /^\/v\d+\.\d+\/([^/]+)\/messages$/.exec(url.pathname);
    if (req.method !== 'POST' || !edge) return fail(res, 404, 100, 'Unknown path components');
    if (edge[1] !== opts.pageId && edge[1] !== 'me')
      return fail(res, 400, 100, `Unsupported post request. Object with ID '${edge[1]}' does not exist`, 33);
    if (outage > 0) {
      outage--;
      calls.push({ status: 500, at: Date.now() });
      return fail(res, 500, 2, 'An unexpected error has occurred. Please retry your request later.');
    }
    const scripted = scripts.shift();
    if (scripted) {
      calls.push({ status: scripted.status, at: Date.now() });
      if (scripted.retryAfter !== undefined) res.setHeader('retry-after', String(scripted.retryAfter));
      return fail(res, scripted.status, scripted.code, scripted.message);
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    if (refuse?.(raw)) {
      refuse = null;
      return fail(res, 500, 2, 'An unexpected error has occurred. Please retry your request later.');
    }
    let body: {
      recipient?: { id?: unknown };
      messaging_type?: unknown;
      tag?: unknown;
      message?: {
        text?: unknown;
        attachment?: { type?: unknown; payload?: { url?: unknown } };
        quick_replies?: { content_type?: unknown; title?: unknown; payload?: unknown }[];
      };
    };
    try {
      body = JSON.parse(raw);
    } catch {
      return fail(res, 400, 100, 'Invalid parameter');
    }
    const recipient = body.recipient?.id;
    const type = body.messaging_type;
    const text = body.message?.text;
    const att = body.message?.attachment;
    if (typeof recipient !== 'string' || !body.message)
      return fail(res, 400, 100, '(#100) The parameter recipient is required');
    if (type !== 'RESPONSE' && type !== 'UPDATE' && type !== 'MESSAGE_TAG')
      return fail(
        res,
        400,
        100,
        '(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}',
      );
    if (type === 'MESSAGE_TAG' && typeof body.tag !== 'string')
      return fail(res, 400, 100, '(#100) Tag is required for MESSAGE_TAG message type');
    const hasText = typeof text === 'string' && text.length > 0;
    const hasFile = typeof att?.type === 'string' && typeof att.payload?.url === 'string';
    if (hasText === hasFile)
      return fail(res, 400, 100, '(#100) Must send either message text or an attachment');
    const quick = body.message.quick_replies;
    if (
      quick !== undefined &&
      (!Array.isArray(quick) ||
        quick.length > 13 ||
        quick.some(
          (q) =>
            q?.content_type !== 'text' ||
            typeof q.title !== 'string' ||
            q.title.length > 20 ||
            typeof q.payload !== 'string',
        ))
    )
      return fail(res, 400, 100, '(#100) Invalid quick_replies');
    const id = `m_${randomBytes(18).toString('base64url')}`;
    sent.push({
      ...(quick
        ? {
            quickReplies: quick.map((q) => q.title as string),
            quickPayloads: quick.map((q) => q.payload as string),
          }
        : {}),
      recipient,
      messagingType: type,
      ...(typeof body.tag === 'string' ? { tag: body.tag } : {}),
      ...(hasText ? { text: text as string } : {}),
      ...(hasFile ? { attachment: { type: att!.type as string, url: att!.payload!.url as string } } : {}),
      id,
    });
    n++;
    calls.push({ status: 200, at: Date.now() });
    return answer(res, 200, { recipient_id: recipient, message_id: id });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sent,
    media,
    profileReads,
    /** How many sends were accepted. */
    accepted: () => n,
    /** A customer's profile as the User Profile API answers it. */
    profile(id: string, fields: Record<string, string>) {
      profiles.set(id, fields);
    },
    /** A CDN URL for a hosted file, as attachment payloads carry them. */
    cdnUrl: (id: string) => `${url}/cdn/${id}`,
    /** The first send whose raw body matches answers 500 once (a part of a line failing alone). */
    refuseOnce(match: (body: string) => boolean) {
      refuse = match;
    },
    /** Sends' answers in order, refusals included. */
    calls,
    /** The next sends answer these refusals, one each (Meta's error body; a 429's Retry-After in seconds). */
    fail: scripts,
    /** The next `times` sends answer 500, as the Graph API does in an outage. */
    outage(times: number) {
      outage = times;
    },
    close: () => closeServer(server),
  };
}

/** One `messaging` event for a page (Messenger: `object: "page"`) or an Instagram account. */
export function messagingDelivery(
  object: 'page' | 'instagram',
  ownId: string,
  event: Record<string, unknown>,
) {
  return {
    object,
    entry: [{ id: ownId, time: Date.now(), messaging: [{ recipient: { id: ownId }, ...event }] }],
  };
}

/** A customer's message event, as in Meta's `messages` webhook examples. */
export function customerMessage(
  from: string,
  message: { text?: string; quick_reply?: { payload: string }; attachments?: unknown[] },
  opts: { mid?: string; timestamp?: number } = {},
) {
  const mid = opts.mid ?? `m_${randomBytes(18).toString('base64url')}`;
  return {
    mid,
    event: { sender: { id: from }, timestamp: opts.timestamp ?? Date.now(), message: { mid, ...message } },
  };
}
