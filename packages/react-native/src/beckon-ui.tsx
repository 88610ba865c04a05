import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { isRtl, type Language, languageOf, type Translate, translator } from './strings/translator.ts';
import { type BeckonTheme, makeTheme, type ThemeInput } from './theme.ts';

/** What every component reads: the theme, the words and the writing direction. */
export interface BeckonUI {
  theme: BeckonTheme;
  t: Translate;
  lang: Language;
  rtl: boolean;
}

const Context = createContext<BeckonUI | null>(null);
let fallback: BeckonUI | null = null;

export interface BeckonUIProviderProps {
  /** A BCP 47 tag (the device's locale, `de-CH`…); the widget's 13 languages, else English. */
  language?: string;
  theme?: ThemeInput;
  /** Your words for any phrase, keyed by its English text: `{ 'Start chat': 'Talk to us' }`. */
  strings?: Record<string, string>;
  children?: ReactNode;
}

/** Sets the look, language and direction of every Beckon component inside it. */
export function BeckonUIProvider({ language, theme, strings, children }: BeckonUIProviderProps) {
  const value = useMemo(() => makeUI(language, theme, strings), [language, theme, strings]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

function makeUI(language?: string, theme?: ThemeInput, strings?: Record<string, string>): BeckonUI {
  const lang = languageOf(language);
  return { theme: makeTheme(theme), t: translator(lang, strings), lang, rtl: isRtl(lang) };
}

/** The provider's look and words; English and the default theme outside any provider. */
export function useBeckonUI(): BeckonUI {
  const ui = useContext(Context);
  if (ui) return ui;
  fallback ??= makeUI();
  return fallback;
}

/** A root view's direction props: `dir` for react-native-web, `direction` for Yoga on a device. */
export const directionOf = (rtl: boolean) =>
  ({ dir: rtl ? 'rtl' : 'ltr', style: { direction: rtl ? 'rtl' : 'ltr' } }) as const;
