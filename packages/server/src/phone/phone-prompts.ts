import type { PhoneLanguage } from '@beckon/protocol/phone-api';

/**
 * What a caller hears, in the number's language. The hub speaks it with espeak-ng on the gateway,
 * in the voice of that language (`en`, `de`, `es`).
 */
export interface Prompts {
  closed: string;
  voicemail: string;
  noAgent: string;
  /** Said before a recorded call reaches an agent. */
  recorded: string;
  place: (n: number) => string;
  /** One choice of a menu: "For Sales, press 1." */
  choice: (label: string, key: string) => string;
  star: string;
  hash: string;
  notAChoice: string;
}

const EN: Prompts = {
  closed: 'We are closed now. Please call again during our opening hours.',
  voicemail: 'Please leave a message after the tone. Hang up when you are done.',
  noAgent: 'Sorry, nobody can take your call right now. Please call again later.',
  recorded: 'This call may be recorded.',
  place: (n) => (n === 1 ? 'You are next in line.' : `You are number ${n} in line.`),
  choice: (label, key) => `For ${label}, press ${key}.`,
  star: 'star',
  hash: 'hash',
  notAChoice: 'Sorry, that is not a choice.',
};

const DE: Prompts = {
  closed: 'Wir haben jetzt geschlossen. Bitte rufen Sie während unserer Öffnungszeiten wieder an.',
  voicemail: 'Bitte hinterlassen Sie nach dem Ton eine Nachricht. Legen Sie auf, wenn Sie fertig sind.',
  noAgent: 'Leider kann gerade niemand Ihren Anruf annehmen. Bitte rufen Sie später wieder an.',
  recorded: 'Dieser Anruf kann aufgezeichnet werden.',
  place: (n) =>
    n === 1 ? 'Sie sind als Nächstes an der Reihe.' : `Sie sind an Platz ${n} in der Warteschlange.`,
  choice: (label, key) => `Für ${label} drücken Sie ${key}.`,
  star: 'Stern',
  hash: 'Raute',
  notAChoice: 'Diese Auswahl gibt es leider nicht.',
};

const ES: Prompts = {
  closed: 'Ahora estamos cerrados. Por favor, llame de nuevo en nuestro horario de atención.',
  voicemail: 'Por favor, deje su mensaje después del tono. Cuelgue cuando termine.',
  noAgent: 'Lo sentimos, ahora nadie puede atender su llamada. Por favor, llame más tarde.',
  recorded: 'Esta llamada puede ser grabada.',
  place: (n) => (n === 1 ? 'Usted es el siguiente.' : `Usted es el número ${n} en la cola.`),
  choice: (label, key) => `Para ${label}, pulse ${key}.`,
  star: 'asterisco',
  hash: 'almohadilla',
  notAChoice: 'Lo sentimos, esa opción no existe.',
};

const BY_LANGUAGE: Record<PhoneLanguage, Prompts> = { en: EN, de: DE, es: ES };

/** The prompts of a language (anything unknown: English). */
export const promptsIn = (lang: string | null | undefined): Prompts =>
  BY_LANGUAGE[lang as PhoneLanguage] ?? EN;
