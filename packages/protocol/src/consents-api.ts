import Type, { type Static } from 'typebox';

/**
 * A contact's opt-in to messages on WhatsApp and SMS (`/api/v1/contacts/:id/consents`): campaign
 * messages go only to contacts who opted in on that channel, and never to an SMS number that texted STOP.
 */

export const ConsentChannel = Type.Union([Type.Literal('whatsapp'), Type.Literal('sms')]);
export type ConsentChannel = Static<typeof ConsentChannel>;

export const Consent = Type.Object({
  channel: ConsentChannel,
  /** `customer_message`: they wrote first; `console`: an admin recorded it; `api`: an API caller did. */
  source: Type.Union([Type.Literal('customer_message'), Type.Literal('console'), Type.Literal('api')]),
  /** What was said about it: "wrote first", a form's name. */
  detail: Type.Union([Type.String(), Type.Null()]),
  at: Type.String({ format: 'date-time' }),
});
export type Consent = Static<typeof Consent>;

export const Consents = Type.Object({
  items: Type.Array(Consent),
  /** The number texted STOP: no SMS goes to it, opted in or not, until it texts START. */
  smsOptOut: Type.Boolean(),
  /** Sites whose app the contact signed in to: an in-app message can wait for them there. */
  appSites: Type.Array(Type.String()),
  /** Sites whose app has a device of theirs that takes pushes (they allowed notifications). */
  pushSites: Type.Array(Type.String()),
});
export type Consents = Static<typeof Consents>;

export const ConsentParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  channel: ConsentChannel,
});

/** `PUT /api/v1/contacts/:id/consents/:channel`: where the opt-in was given. */
export const ConsentInput = Type.Object(
  { detail: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
export type ConsentInput = Static<typeof ConsentInput>;
