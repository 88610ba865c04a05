import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from './close-server.ts';
import type { MediaFiles } from './media-files.ts';

/** A text message the local Graph API accepted. */
export interface GraphSent {
  phoneNumberId: string;
  to: string;
  body: string;
  id: string;
  raw: Record<string, unknown>;
}

/** A message template as `GET /{waba-id}/message_templates` lists it (Meta's documented fields). */
export interface GraphTemplate {
  id?: string;
  name: string;
  language: string;
  status: string;
  category: string;
  parameter_format?: 'POSITIONAL' | 'NAMED';
  components: Record<string, unknown>[];
}

/** Templates like those of Meta's examples: an approved utility one with header and body variables, and more. */
export const SAMPLE_TEMPLATES: GraphTemplate[] = [
  {
    id: '594425479261596',
    name: 'order_update',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    parameter_format: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['#4821'] } },
      {
        type: 'BODY',
        text: 'Hi {{1}}, your order {{2}} has shipped and arrives {{3}}.',
        example: { body_text: [['Pablo', '#4821', 'on Friday']] },
      },
      { type: 'FOOTER', text: 'Reply STOP to opt out' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Thanks' }] },
    ],
  },
  {
    id: '594425479261597',
    name: 'follow_up',
    language: 'en_US',
    status: 'APPROVED',
    category: 'MARKETING',
    parameter_format: 'NAMED',
    components: [
      {
        type: 'BODY',
        text: 'Hello {{first_name}}, we have news about your question. Shall we continue here?',
        example: { body_text_named_params: [{ param_name: 'first_name', example: 'Pablo' }] },
      },
    ],
  },
  {
    id: '594425479261598',
    name: 'spring_sale',
    language: 'en_US',
    status: 'REJECTED',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Everything is 50% off!' }],
  },
  {
    id: '594425479261599',
    name: 'receipt_pdf',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'DOCUMENT' },
      { type: 'BODY', text: 'Your receipt is attached.' },
    ],
  },
];

/** Templates whose header is an image or a place, as WhatsApp Manager lists them: pushed by the tests that send them. */
export const MEDIA_HEADER_TEMPLATES: GraphTemplate[] = [
  {
    id: '594425479261600',
    name: 'new_arrivals',
    language: 'en_US',
    status: 'APPROVED',
    category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBlZw==:ARZ'] } },
      { type: 'BODY', text: 'Hi {{1}}, the new collection is in.', example: { body_text: [['Pablo']] } },
    ],
  },
  {
    id: '594425479261601',
    name: 'store_pickup',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'LOCATION' },
      { type: 'BODY', text: 'Your order is ready for pickup here.' },
    ],
  },
];

/** The Cloud API body of an `order_update` send (SAMPLE_TEMPLATES) with its header and body values. */
export function orderUpdateBody(to: string, header: string, body: [string, string, string]) {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'template',
    template: {
      name: 'order_update',
      language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'text', text: header }] },
        { type: 'body', parameters: body.map((text) => ({ type: 'text', text })) },
      ],
    },
  };
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const countVars = (text: unknown) =>
  new Set([...String(text ?? '').matchAll(PLACEHOLDER)].map((m) => m[1])).size;

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
  /** The WhatsApp Business Account whose templates `GET /{wabaId}/message_templates` lists. */
  wabaId?: string;
  templates?: GraphTemplate[];
  /** Templates per page of the listing (Meta's `limit`, here forced small to test paging). */
  pageSize?: number;
}) {
  const sent: GraphSent[] = [];
  const templates = [...(opts.templates ?? SAMPLE_TEMPLATES)];
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
    const listing = /^\/v\d+\.\d+\/([^/?]+)\/message_templates(?:\?(.*))?$/.exec(req.url ?? '');
    if (req.method === 'GET' && listing) {
      if (req.headers.authorization !== `Bearer ${opts.accessToken}`)
        return fail(res, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
      if (listing[1] !== opts.wabaId)
        return fail(
          res,
          400,
          100,
          `Unsupported get request. Object with ID '${listing[1]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
          'GraphMethodException',
        );
      const q = new URLSearchParams(listing[2] ?? '');
      const size = Math.min(Number(q.get('limit') ?? 25), opts.pageSize ?? 25);
      const from = Number(q.get('after') ?? 0);
      const page = templates.slice(from, from + size);
      const more = from + size < templates.length;
      q.set('after', String(from + size));
      calls.push({ status: 200, at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          data: page,
          paging: {
            cursors: { before: String(from), after: String(from + size) },
            ...(more ? { next: `${base()}/v21.0/${listing[1]}/message_templates?${q}` } : {}),
          },
        }),
      );
    }
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
    if (body.type === 'template') {
      const refused = templateRefusal(body);
      if (refused) return failWith(res, refused);
    } else if (body.type === 'interactive') {
      const refused = interactiveRefusal(body);
      if (refused) return failWith(res, refused);
    } else {
      const text = (body.text as { body?: unknown } | undefined)?.body;
      if (
        body.messaging_product !== 'whatsapp' ||
        body.type !== 'text' ||
        typeof body.to !== 'string' ||
        typeof text !== 'string'
      )
        return fail(res, 400, 100, 'Invalid parameter');
    }
    if (typeof body.to !== 'string') return fail(res, 400, 100, 'Invalid parameter');
    const text =
      body.type === 'template'
        ? `template:${(body.template as { name: string }).name}`
        : body.type === 'interactive'
          ? `interactive:${String((body.interactive as { body?: { text?: unknown } }).body?.text)}`
          : String((body.text as { body?: unknown }).body);
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
  /** Meta's error for a template send it refuses, as `error` with `error_data.details`. */
  type Refusal = { status: number; code: number; message: string; details: string };
  const failWith = (res: ServerResponse, r: Refusal) => {
    res.writeHead(r.status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          message: r.message,
          type: 'OAuthException',
          code: r.code,
          error_data: { messaging_product: 'whatsapp', details: r.details },
          fbtrace_id: randomBytes(8).toString('hex'),
        },
      }),
    );
    calls.push({ status: r.status, at: Date.now() });
  };
  /** Meta's refusal of a malformed message (131009, "Parameter value is not valid"), naming the field. */
  const invalidParam = (details: string): Refusal => ({
    status: 400,
    code: 131009,
    message: '(#131009) Parameter value is not valid',
    details,
  });
  /**
   * Why Meta would refuse an interactive message, by the documented limits: a reply-buttons
   * message holds 1 to 3 buttons (title ≤ 20, id ≤ 256); a list holds 1 to 10 sections and 10 rows
   * in all (row title ≤ 24, id ≤ 200), a button text ≤ 20; body text ≤ 1,024; footer ≤ 60.
   */
  const interactiveRefusal = (body: Record<string, unknown>): Refusal | null => {
    type Row = { id?: unknown; title?: unknown };
    const i = body.interactive as
      | {
          type?: string;
          body?: { text?: unknown };
          footer?: { text?: unknown };
          action?: {
            button?: unknown;
            buttons?: { type?: unknown; reply?: Row }[];
            sections?: { title?: unknown; rows?: Row[] }[];
          };
        }
      | undefined;
    if (body.messaging_product !== 'whatsapp' || typeof body.to !== 'string' || !i)
      return invalidParam('interactive: missing');
    const text = i.body?.text;
    if (typeof text !== 'string' || !text || text.length > 1024)
      return invalidParam('body.text: 1 to 1024 characters');
    if (i.footer !== undefined && (typeof i.footer.text !== 'string' || i.footer.text.length > 60))
      return invalidParam('footer.text: at most 60 characters');
    const okRow = (r: Row | undefined, title: number, id: number) =>
      typeof r?.id === 'string' &&
      r.id.length > 0 &&
      r.id.length <= id &&
      typeof r.title === 'string' &&
      r.title.length > 0 &&
      r.title.length <= title;
    if (i.type === 'button') {
      const buttons = i.action?.buttons ?? [];
      if (buttons.length < 1 || buttons.length > 3) return invalidParam('action.buttons: 1 to 3 buttons');
      if (!buttons.every((b) => b.type === 'reply' && okRow(b.reply, 20, 256)))
        return invalidParam('action.buttons: reply buttons with an id and a title of at most 20 characters');
      return null;
    }
    if (i.type === 'list') {
      const button = i.action?.button;
      if (typeof button !== 'string' || !button || button.length > 20)
        return invalidParam('action.button: 1 to 20 characters');
      const sections = i.action?.sections ?? [];
      const rows = sections.flatMap((x) => x.rows ?? []);
      if (sections.length < 1 || sections.length > 10 || rows.length < 1 || rows.length > 10)
        return invalidParam('action.sections: 1 to 10 sections, 1 to 10 rows in all');
      if (sections.length > 1 && !sections.every((x) => typeof x.title === 'string' && x.title.length <= 24))
        return invalidParam('action.sections.title: required with several sections, at most 24 characters');
      if (!rows.every((r) => okRow(r, 24, 200)))
        return invalidParam('action.sections.rows: an id and a title of at most 24 characters');
      if (new Set(rows.map((r) => r.id)).size !== rows.length)
        return invalidParam('action.sections.rows: ids must be unique');
      return null;
    }
    return invalidParam(`interactive.type: ${String(i.type)} is not sent by this test server`);
  };
  /**
   * Why Meta would refuse a media or location header: the template's HEADER format says which
   * parameter it takes — exactly one `{ type: "image", image: { link | id } }` (video, document
   * alike; a document may name its `filename`), or `{ type: "location", location: { latitude,
   * longitude, name?, address? } }`.
   */
  const headerRefusal = (
    format: string,
    given: { type?: string; [k: string]: unknown }[],
  ): Refusal | null => {
    const kind = format.toLowerCase();
    const p = given[0];
    if (given.length !== 1 || p?.type !== kind)
      return invalidParam(
        `header: expected one parameter of type ${kind}, got ${given.map((g) => g.type).join(', ') || 'none'}`,
      );
    const o = p[kind] as Record<string, unknown> | undefined;
    if (kind === 'location') {
      const lat = o?.latitude;
      const long = o?.longitude;
      if (typeof lat !== 'number' || typeof long !== 'number' || Math.abs(lat) > 90 || Math.abs(long) > 180)
        return invalidParam('header.location: latitude and longitude are numbers');
      return null;
    }
    const link = o?.link;
    const id = o?.id;
    if ((link === undefined) === (id === undefined))
      return invalidParam(`header.${kind}: give exactly one of link and id`);
    if (link !== undefined && (typeof link !== 'string' || !/^https?:\/\//.test(link)))
      return invalidParam(`header.${kind}.link: a URL`);
    const extra = Object.keys(o ?? {}).filter(
      (k) => !['link', 'id', ...(kind === 'document' ? ['filename'] : [])].includes(k),
    );
    if (extra.length) return invalidParam(`header.${kind}: unknown field ${extra[0]}`);
    return null;
  };

  /** Why Meta would refuse a template send: 132001 unknown or unapproved, 132000 parameter count, 132018 bad text. */
  const templateRefusal = (body: Record<string, unknown>): Refusal | null => {
    const t = body.template as
      | {
          name?: unknown;
          language?: { code?: unknown };
          components?: { type?: string; parameters?: { type?: string; text?: string }[] }[];
        }
      | undefined;
    const lang = t?.language?.code;
    const known = templates.find((x) => x.name === t?.name && x.language === lang && x.status === 'APPROVED');
    if (!known)
      return {
        status: 404,
        code: 132001,
        message: '(#132001) Template name does not exist in the translation',
        details: `template name (${String(t?.name)}) does not exist in ${String(lang)}`,
      };
    for (const part of ['HEADER', 'BODY']) {
      const declared = known.components.find((c) => c.type === part);
      const given = t?.components?.find((c) => c.type?.toUpperCase() === part)?.parameters ?? [];
      const format = String(declared?.format ?? 'TEXT').toUpperCase();
      if (part === 'HEADER' && declared && format !== 'TEXT') {
        const refused = headerRefusal(format, given as { type?: string }[]);
        if (refused) return refused;
        continue;
      }
      const expected = countVars(declared?.text);
      if (given.length !== expected)
        return {
          status: 400,
          code: 132000,
          message: '(#132000) Number of parameters does not match the expected number of params',
          details: `${part.toLowerCase()}: number of localizable_params (${given.length}) does not match the expected number of params (${expected})`,
        };
      if (given.some((p) => /[\n\t]| {5,}/.test(p.text ?? '')))
        return {
          status: 400,
          code: 132018,
          message: '(#132018) There was an issue with the parameters in your template.',
          details: 'Param text cannot have new-line/tab characters or more than 4 consecutive spaces',
        };
    }
    return null;
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    calls,
    /** The templates the listing answers: change them as an approval in WhatsApp Manager would. */
    templates,
    /** Scripted answers of the next sends (a 503, a 429 with Retry-After), in order. */
    fail: scripts,
    /** The next `times` sends answer 500, as Meta does in an outage. */
    outage(times: number) {
      outage = times;
    },
    close: () => closeServer(server),
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

/** A webhook delivery of a customer's pick in a list message we sent, as in Meta's `list_reply` example. */
export function waListReply(phoneNumberId: string, from: string, row: { id: string; title: string }) {
  const d = waMessageDelivery(phoneNumberId, from, '');
  const value = d.body.entry[0]!.changes[0]!.value;
  const message = value.messages[0]! as Record<string, unknown>;
  delete message.text;
  message.type = 'interactive';
  message.interactive = { type: 'list_reply', list_reply: { ...row, description: '' } };
  return d;
}

/** A webhook delivery of one status of a message we sent, as in Meta's status examples. */
export function waStatusDelivery(
  phoneNumberId: string,
  messageId: string,
  recipient: string,
  status: 'sent' | 'delivered' | 'read' | 'failed',
  error: { code: number; title: string; details: string } = {
    code: 131026,
    title: 'Message undeliverable',
    details: 'Message Undeliverable.',
  },
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
                            code: error.code,
                            title: error.title,
                            message: error.title,
                            error_data: { details: error.details },
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
