// The accounts of the broadcast workload's provider sinks (provider-sinks.ts), apart from the sinks
// themselves so the workload can name them without starting them.
import type { BroadcastChannel } from '../servers/broadcast-people.ts';

/** The provider accounts the workload connects (not secrets: a loopback stand-in's). */
export const SINK_WHATSAPP = {
  phoneNumberId: '106540352242947',
  accessToken: 'EAAG-bench-broadcast',
  appSecret: 'bench-broadcast-app-secret',
  verifyToken: 'bench-broadcast-verify',
  wabaId: '102290129340447',
};
export const SINK_TWILIO = {
  accountSid: `AC${'b4'.repeat(16)}`,
  authToken: 'bench-broadcast-twilio-token',
  from: '+15005550006',
};

/** The approved marketing template the broadcast sends (Meta's listing fields). */
export const SINK_TEMPLATE = {
  id: '594425479261647',
  name: 'spring_news',
  language: 'en_US',
  status: 'APPROVED',
  category: 'MARKETING',
  parameter_format: 'POSITIONAL',
  components: [
    {
      type: 'BODY',
      text: 'Hi {{1}}, spring prices are in.',
      example: { body_text: [['Pablo']] },
    },
    { type: 'FOOTER', text: 'Reply STOP to opt out' },
  ],
};

/** What `GET /counts` answers. */
export interface SinkCounts {
  /** Messages accepted, per channel. */
  messages: Record<BroadcastChannel, number>;
  /** Contacts that got at least one message. */
  contacts: number;
  /** Messages beyond the first to a contact, on any channel. */
  duplicates: number;
  /** Messages on another channel than the order gives the contact. */
  wrongChannel: number;
  /** Messages to an address no bench contact has. */
  unknown: number;
  /** Requests refused for a bad shape or credentials (the node would see a provider error). */
  refused: number;
  /** The most messages of a channel in one wall-clock second. */
  peakPerSecond: Record<BroadcastChannel, number>;
  /** Epoch ms of each channel's first and last message (0 before any). */
  span: Record<BroadcastChannel, { first: number; last: number }>;
  /** Epoch ms of the first and last message (0 before any). */
  firstAt: number;
  lastAt: number;
}
