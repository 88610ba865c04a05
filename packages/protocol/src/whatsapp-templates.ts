import Type, { type Static } from 'typebox';
import { EchoId, SentAfterSeq } from './chat-api.ts';

/**
 * WhatsApp message templates: what Meta approved for a WhatsApp Business Account, as Beckon lists
 * them (`GET /api/v1/channels/:id/templates`), and a template send with its variables filled.
 * A template's variables are `{{1}}`, `{{2}}`… (positional) or `{{name}}` (named), in its header
 * (text headers only) and body. The render and the variable list are pure: the console's preview
 * and the server's stored line read the same text.
 */

const closed = { additionalProperties: false } as const;

export const TemplateButton = Type.Object({
  type: Type.String(),
  text: Type.String(),
  url: Type.Optional(Type.String()),
  phoneNumber: Type.Optional(Type.String()),
});

export const WhatsAppTemplate = Type.Object({
  name: Type.String(),
  /** Meta's language code (`en_US`, `pt_BR`). */
  language: Type.String(),
  /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED…: only APPROVED ones can be sent. */
  status: Type.String(),
  /** MARKETING, UTILITY or AUTHENTICATION. */
  category: Type.String(),
  parameterFormat: Type.Union([Type.Literal('positional'), Type.Literal('named')]),
  /** A text header, or the kind of media header (IMAGE, VIDEO, DOCUMENT, LOCATION). */
  header: Type.Union([
    Type.Object({ format: Type.String(), text: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  body: Type.String(),
  footer: Type.Union([Type.String(), Type.Null()]),
  buttons: Type.Array(TemplateButton),
  /** The variables to fill, in order, per part. */
  variables: Type.Object({ header: Type.Array(Type.String()), body: Type.Array(Type.String()) }),
  /** Why Beckon cannot send it yet (a media header, a URL button with a variable), or null. */
  unsupported: Type.Union([Type.String(), Type.Null()]),
});
export type WhatsAppTemplate = Static<typeof WhatsAppTemplate>;

export const WhatsAppTemplates = Type.Object({
  items: Type.Array(WhatsAppTemplate),
  /** When the list was last read from Meta, or null before the first sync. */
  syncedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type WhatsAppTemplates = Static<typeof WhatsAppTemplates>;

/** `POST /api/v1/channels/:id/templates/sync`: the Business Account id, for a connection made without it. */
export const TemplateSyncInput = Type.Object(
  { wabaId: Type.Optional(Type.String({ pattern: '^[0-9]{1,64}$' })) },
  closed,
);
export type TemplateSyncInput = Static<typeof TemplateSyncInput>;

/** Meta's limits on one parameter: 60 characters in a header, 1,024 in the body. */
export const HEADER_PARAM_MAX = 60;
export const BODY_PARAM_MAX = 1024;

const values = (max: number) =>
  Type.Record(
    Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }),
    Type.String({ minLength: 1, maxLength: max }),
    {
      maxProperties: 60,
    },
  );

export const TemplateValues = Type.Object(
  { header: Type.Optional(values(HEADER_PARAM_MAX)), body: Type.Optional(values(BODY_PARAM_MAX)) },
  closed,
);
export type TemplateValues = Static<typeof TemplateValues>;

/** Meta's media header formats, and the location header. */
export const MEDIA_HEADER_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT'] as const;

/**
 * The media of a template's IMAGE, VIDEO or DOCUMENT header: a public HTTPS link Meta fetches, or
 * a file the agent uploaded to the conversation (sent as a signed link of ours, and kept on the line).
 */
export const TemplateHeaderMedia = Type.Object(
  {
    link: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2048 })),
    attachmentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** The name a document shows in WhatsApp (`receipt.pdf`). */
    filename: Type.Optional(Type.String({ minLength: 1, maxLength: 240 })),
  },
  closed,
);
export type TemplateHeaderMedia = Static<typeof TemplateHeaderMedia>;

/** The place of a template's LOCATION header. */
export const TemplateHeaderLocation = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    address: Type.Optional(Type.String({ maxLength: 300 })),
  },
  closed,
);
export type TemplateHeaderLocation = Static<typeof TemplateHeaderLocation>;

/** `POST /api/v1/conversations/:id/messages/template`: an approved template, its variables filled. */
export const TemplateSendInput = Type.Object(
  {
    echoId: EchoId,
    afterSeq: Type.Optional(SentAfterSeq),
    name: Type.String({ minLength: 1, maxLength: 512 }),
    language: Type.String({ minLength: 2, maxLength: 15 }),
    values: Type.Optional(TemplateValues),
    /** Required by a template with an IMAGE, VIDEO or DOCUMENT header. */
    headerMedia: Type.Optional(TemplateHeaderMedia),
    /** Required by a template with a LOCATION header. */
    headerLocation: Type.Optional(TemplateHeaderLocation),
  },
  closed,
);
export type TemplateSendInput = Static<typeof TemplateSendInput>;

/** `GET /api/v1/conversations/:id/whatsapp`: the customer-service window and what may be sent now. */
export const WhatsAppWindow = Type.Object({
  /** The connection the conversation's replies leave by. */
  channelId: Type.Union([Type.String(), Type.Null()]),
  /** Free text is allowed until then (24 h after the customer's last message); null when closed. */
  windowClosesAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** The approved templates of that connection (sendable outside the window). */
  templates: Type.Array(WhatsAppTemplate),
});
export type WhatsAppWindow = Static<typeof WhatsAppWindow>;

export {
  badParameter,
  fillText,
  headerLabel,
  missingVariable,
  renderTemplate,
  variablesOf,
} from './template-text.ts';
