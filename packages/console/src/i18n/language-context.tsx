/**
 * Which language the console speaks, for every component under it.
 * - Before sign-in: the one last used on this browser, else the browser's own, else English.
 * - Signed in: the user's choice, kept on the server (so it follows them to any browser) and here.
 * - `<html lang>` follows it; components that call `useT()` render again when it changes.
 */
import { createContext, type ReactNode, use, useCallback, useEffect, useMemo, useState } from 'react';
import { applyMessages, currentLanguage, loadMessages, t } from './i18n.ts';
import { browserLanguage, type ConsoleLanguage, isConsoleLanguage, localeFor } from './languages.ts';

const STORAGE_KEY = 'beckon.console.language';

interface LanguageApi {
  lang: ConsoleLanguage;
  /** Fetches the language's pack, then switches the console to it. */
  switchTo(lang: ConsoleLanguage): Promise<void>;
}

const LanguageContext = createContext<LanguageApi | null>(null);

function storedLanguage(): ConsoleLanguage | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isConsoleLanguage(value) ? value : null;
  } catch {
    return null;
  }
}

function remember(lang: ConsoleLanguage): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode or storage full: the server still remembers a signed-in user's choice.
  }
}

/** The language a fresh page starts in, before any session is known. */
export function initialLanguage(): ConsoleLanguage {
  return storedLanguage() ?? browserLanguage(navigator.languages ?? [navigator.language]);
}

/** Loads `lang`'s pack and makes it the one `t()` and the formatters use. */
export async function prepareLanguage(lang: ConsoleLanguage): Promise<void> {
  const messages = await loadMessages(lang);
  applyMessages(lang, localeFor(lang, navigator.languages ?? [navigator.language]), messages);
  document.documentElement.lang = lang;
}

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<ConsoleLanguage>(currentLanguage);

  const switchTo = useCallback(async (next: ConsoleLanguage) => {
    remember(next);
    if (next === currentLanguage()) return;
    await prepareLanguage(next);
    setLang(next);
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const api = useMemo<LanguageApi>(() => ({ lang, switchTo }), [lang, switchTo]);
  return <LanguageContext value={api}>{children}</LanguageContext>;
}

export function useLanguage(): LanguageApi {
  const api = use(LanguageContext);
  if (!api) throw new Error('useLanguage outside LanguageProvider');
  return api;
}

/** `t` for a component: it renders again in the new language when the user switches. */
export function useT(): typeof t {
  useLanguage();
  return t;
}
