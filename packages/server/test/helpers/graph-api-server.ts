import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MediaFiles } from './media-files.ts';

/** A text message the local Graph API accepted. */
export interface GraphSent {
  phoneNumberId: string;
  to: string;
  body: string;
  id: string;
  raw: Record<string, unknown>;
}

/**
 * A local WhatsApp Cloud API (Graph API) for tests: `POST /v21.0/{phoneNumberId}/messages` checks
 * the bearer token and the body as Meta documents them, `GET /v21.0/{phoneNumberId}` answers the
 * number's verified name and display number, and answers as Meta does
 * (`{ messaging_product, contacts: [{ input, wa_id }], messages: [{ id }] }`), or with Meta's
 * error bodies (190 for a bad token, 100 for a bad parameter, 1/2 for an outage).
 */
export async function startGraphApi(opts: {
  phoneNumberId: string;
  accessToken: string;
  verifiedName?: string;
  displayPhoneNumber?: string;
  /** Media the customers' messages name (`GET /{media-id}`, then its URL with the same token). */
  media?: MediaFiles;
}) {
  const sent: GraphSent[] = [];
  const calls: { status: number; at: number }[] = [];
  /** Scripted answers of the next sends (an outage, a rate limit with Retry-After), in order. */
  const scripts: { status: number; code: number; message: string; retryAfter?: number }[] = [];
  let outage = 0;
  let n = 0;
  const fail = (
    res: ServerResponse,
    status: number,
    code: number,
    message: string,
    type = 'OAuthException',
    retryAfter?: number,
  ) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
    });
    res.end(JSON.stringify({ error: { message, type, code, fbtrace_id: randomBytes(8).toString('hex') } }));
    calls.push({ status, at: Date.now() });
  };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const node = /^\/v\d+\.\d+\/([^/?]+)(?:\?.*)?$/.exec(req.url ?? '');
    const download = /^\/whatsapp-media\/([^/?]+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && (download || (node && opts.media?.get(node[1]!)))) {
      // A media node answers a short-lived URL; the URL itself also needs the bearer token.
      if (req.headers.authorization !== `Bearer ${opts.accessToken}`)
        return fail(res, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
      if (download) return opts.media!.send(res, download[1]!);
      const id = node![1]!;
      const f = opts.media!.get(id)!;
      const { port } = server.address() as AddressInfo;
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          messaging_product: 'whatsapp',
          url: `http://127.0.0.1:${port}/whatsapp-media/${id}`,
          mime_type: f.contentType,
          sha256: createHash('sha256').update(f.bytes).digest('hex'),
          file_size: f.bytes.length,
          id,
        }),
      );
    }
    if (req.method === 'GET' && node) {
      // The phone number node, as `GET /{phone-number-id}` documents it.
      if (req.headers.authorization !== `Bearer ${opts.accessToken}`)
        return fail(res, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
      if (node[1] !== opts.phoneNumberId)
        return fail(
          res,
          400,
          100,
          `Unsupported get request. Object with ID '${node[1]}' does not exist`,
          'GraphMethodException',
        );
      calls.push({ status: 200, at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          verified_name: opts.verifiedName ?? 'Beckon Test Shop',
          display_phone_number: opts.displayPhoneNumber ?? '+1 555-078-3881',
          id: opts.phoneNumberId,
        }),
      );
    }
    const m = /^\/v\d+\.\d+\/([^/]+)\/messages$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m)
      return fail(res, 404, 100, 'Unknown path components', 'GraphMethodException');
    if (req.headers.authorization !== `Bearer ${opts.accessToken}`)
      return fail(res, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (m[1] !== opts.phoneNumberId)
      return fail(
        res,
        400,
        100,
        `Unsupported post request. Object with ID '${m[1]}' does not exist`,
        'GraphMethodException',
      );
    const scripted = scripts.shift();
    if (scripted)
      return fail(
        res,
        scripted.status,
        scripted.code,
        scripted.message,
        'OAuthException',
        scripted.retryAfter,
      );
    if (outage > 0) {
      outage--;
      return fail(res, 500, 2, 'Service temporarily unavailable');
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return fail(res, 400, 100, 'Invalid parameter');
    }
    const text = (body.text as { body?: unknown } | undefined)?.body;
    if (
      body.messaging_product !== 'whatsapp' ||
      body.type !== 'text' ||
      typeof body.to !== 'string' ||
      typeof text !== 'string'
    )
      return fail(res, 400, 100, 'Invalid parameter');
    const id = `wamid.${Buffer.from(`${Date.now()}-${++n}`).toString('base64url')}`;
    sent.push({ phoneNumberId: m[1]!, to: body.to, body: text, id, raw: body });
    calls.push({ status: 200, at: Date.now() });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id }],
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    calls,
    /** Scripted answers of the next sends (a 503, a 429 with Retry-After), in order. */
    fail: scripts,
    /** The next `times` sends answer 500, as Meta does in an outage. */
    outage(times: number) {
      outage = times;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A webhook delivery of one customer message, as in Meta's "text message" example. */
export function waMessageDelivery(
  phoneNumberId: string,
  from: string,
  text: string,
  opts: { id?: string; name?: string; timestamp?: number } = {},
) {
  const id = opts.id ?? `wamid.${randomBytes(12).toString('base64url')}`;
  return {
    id,
    body: {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
                contacts: [{ profile: { name: opts.name ?? 'Sheena Nelson' }, wa_id: from }],
                messages: [
                  {
                    from,
                    id,
                    timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
                    text: { body: text },
                    type: 'text',
                  },
                ],
              },
              field: 'messages',
            },
          ],
        },
      ],
    },
  };
}

/** A webhook delivery of one status of a message we sent, as in Meta's status examples. */
export function waStatusDelivery(
  phoneNumberId: string,
  messageId: string,
  recipient: string,
  status: 'sent' | 'delivered' | 'read' | 'failed',
) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              statuses: [
                {
                  id: messageId,
                  status,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  recipient_id: recipient,
                  ...(status === 'failed'
                    ? {
                        errors: [
                          {
                            code: 131026,
                            title: 'Message undeliverable',
                            message: 'Message undeliverable',
                            error_data: { details: 'Message Undeliverable.' },
                          },
                        ],
                      }
                    : {
                        pricing: { billable: true, pricing_model: 'PMP', category: 'service' },
                      }),
                },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** Posts a delivery to a WhatsApp webhook, signed with `appSecret` (or with the signature given). */
export async function postWebhook(url: string, body: unknown, appSecret: string | null, signature?: string) {
  const raw = JSON.stringify(body);
  const sig =
    signature ??
    (appSecret ? `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}` : undefined);
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(sig ? { 'x-hub-signature-256': sig } : {}) },
    body: raw,
  });
}
