/**
 * The standard opt-out, opt-in and help keywords of SMS (Twilio's and the carriers' list), used on
 * WhatsApp too: a message that is exactly one of them.
 */
const KEYWORDS: Record<string, 'stop' | 'start' | 'help'> = {
  stop: 'stop',
  stopall: 'stop',
  unsubscribe: 'stop',
  cancel: 'stop',
  end: 'stop',
  quit: 'stop',
  start: 'start',
  yes: 'start',
  unstop: 'start',
  help: 'help',
  info: 'help',
};

/** The keyword a customer texted, if the whole message is one (case and spaces do not count). */
export const keywordOf = (body: string): 'stop' | 'start' | 'help' | undefined =>
  Object.hasOwn(KEYWORDS, body.trim().toLowerCase()) ? KEYWORDS[body.trim().toLowerCase()] : undefined;
