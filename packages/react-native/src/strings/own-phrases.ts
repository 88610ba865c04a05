import type { Phrases } from './widget-phrases.ts';

/** Phrases only the app's UI has (the web widget shows typing as dots alone), in the widget's 13 languages. */
export const OWN_PHRASES: Record<string, Phrases> = {
  en: { '{name} is typing…': '{name} is typing…' },
  es: { '{name} is typing…': '{name} está escribiendo…' },
  fr: { '{name} is typing…': '{name} est en train d’écrire…' },
  de: { '{name} is typing…': '{name} schreibt…' },
  it: { '{name} is typing…': '{name} sta scrivendo…' },
  pt: { '{name} is typing…': '{name} está digitando…' },
  nl: { '{name} is typing…': '{name} is aan het typen…' },
  pl: { '{name} is typing…': '{name} pisze…' },
  tr: { '{name} is typing…': '{name} yazıyor…' },
  ja: { '{name} is typing…': '{name}が入力中…' },
  ar: { '{name} is typing…': '{name} يكتب…' },
  he: { '{name} is typing…': '{name} מקליד/ה…' },
  zh: { '{name} is typing…': '{name}正在输入…' },
};
