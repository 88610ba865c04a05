import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { IntlMessageFormat } from 'intl-messageformat';
import {
  formatDate,
  formatNumber,
  formatMoney as money,
  formatRelative as relative,
} from '../src/components/format.ts';
import { applyMessages, t } from '../src/i18n/i18n.ts';
import { browserLanguage, CONSOLE_LANGUAGES, localeFor } from '../src/i18n/languages.ts';

const srcDir = new URL('../src/', import.meta.url).pathname;
const packDir = join(srcDir, 'i18n/packs');

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );

/** Each source file without its comment lines, where `t('…')` in prose is not a call. */
const code = sources(srcDir).map((file) => ({
  file,
  text: readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\*|\/\/)/.test(line))
    .join('\n'),
}));

/** Every English text the console looks up: the first argument of each `t('…')` or `t("…")`. */
function englishKeys(): Set<string> {
  const keys = new Set<string>();
  for (const { text } of code)
    for (const m of text.matchAll(/\bt\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g))
      keys.add((m[1] ?? m[2])!.replace(/\\(['"])/g, '$1'));
  return keys;
}

type Ast = ReturnType<IntlMessageFormat['getAst']>;

/**
 * A message's arguments as `name:kind` (a plural's or select's own branches counted in), and the
 * keys of each select: a translation must ask for the same values, formatted the same way.
 */
function argumentsOf(ast: Ast, out = new Set<string>()): Set<string> {
  for (const el of ast) {
    const kinds = ['', 'text', 'number', 'date', 'time', 'select', 'plural'];
    if ('value' in el && typeof el.value === 'string' && el.type >= 1 && el.type <= 6)
      out.add(`${el.value}:${kinds[el.type]}`);
    if ('options' in el)
      for (const [key, option] of Object.entries(el.options)) {
        if (el.type === 5) out.add(`${el.value}=${key}`);
        argumentsOf(option.value as Ast, out);
      }
  }
  return out;
}

function pluralKeys(ast: Ast, out: string[] = []): string[] {
  for (const el of ast)
    if ('options' in el) {
      if (el.type === 6) out.push(...Object.keys(el.options));
      for (const option of Object.values(el.options)) pluralKeys(option.value as Ast, out);
    }
  return out;
}

const packs = readdirSync(packDir).map((f) => ({
  lang: f.replace(/\.json$/, ''),
  messages: JSON.parse(readFileSync(join(packDir, f), 'utf8')) as Record<string, string>,
}));

describe('the console’s language packs', () => {
  const keys = englishKeys();
  after(() => applyMessages('en', 'en', {}));

  it('exist for every language the console offers, besides the built-in English', () => {
    assert.ok(keys.size > 150, `only ${keys.size} strings found`);
    assert.deepEqual(packs.map((p) => p.lang).sort(), CONSOLE_LANGUAGES.filter((l) => l !== 'en').sort());
  });

  it('ask t() only for literal English text, so every string can be found and translated', () => {
    const dynamic = code.flatMap(({ file, text }) =>
      [...text.matchAll(/(?<!function )\bt\(\s*([^'"\s)])/g)].map(
        (m) => `${file.slice(srcDir.length)}: t(${m[1]}…`,
      ),
    );
    assert.deepEqual(dynamic, []);
  });

  it('English: every key parses as an ICU message', () => {
    for (const en of keys) assert.doesNotThrow(() => new IntlMessageFormat(en, 'en'), en);
  });

  for (const { lang, messages } of packs) {
    it(`${lang}: has every English key, no extra one, the same arguments, and its own plural forms`, () => {
      const have = new Set(Object.keys(messages));
      assert.deepEqual(
        [...keys].filter((k) => !have.has(k)),
        [],
        `${lang} misses these`,
      );
      assert.deepEqual(
        [...have].filter((k) => !keys.has(k)),
        [],
        `${lang} has keys the console no longer uses`,
      );
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories as string[];
      for (const [en, message] of Object.entries(messages)) {
        assert.ok(message.trim(), `${lang}: "${en}" is empty`);
        const want = new IntlMessageFormat(en, 'en').getAst();
        let got: Ast;
        try {
          got = new IntlMessageFormat(message, lang).getAst();
        } catch (err) {
          assert.fail(`${lang}: "${message}" is not an ICU message: ${(err as Error).message}`);
        }
        assert.deepEqual([...argumentsOf(got)].sort(), [...argumentsOf(want)].sort(), `${lang}: "${en}"`);
        for (const key of pluralKeys(got))
          assert.ok(key.startsWith('=') || categories.includes(key), `${lang}: "${key}" in "${message}"`);
        if (pluralKeys(want).length) assert.ok(pluralKeys(got).includes('other'), `${lang}: "${message}"`);
      }
    });
  }

  it('pluralises and fills in values in the chosen language', () => {
    const de = packs.find((p) => p.lang === 'de')!.messages;
    applyMessages('de', 'de-DE', de);
    assert.equal(t('{count, plural, one {# contact} other {# contacts}}', { count: 1 }), '1 Kontakt');
    assert.equal(t('{count, plural, one {# contact} other {# contacts}}', { count: 1234 }), '1.234 Kontakte');
    assert.equal(t('Erase {who}?', { who: 'Ann Lee' }), 'Ann Lee löschen?');
    assert.equal(t('Log out'), 'Abmelden');
    applyMessages('en', 'en-US', {});
    assert.equal(t('{count, plural, one {# contact} other {# contacts}}', { count: 1234 }), '1,234 contacts');
    assert.equal(t('Log out'), 'Log out');
  });
});

describe('dates, numbers and money follow the console’s language', () => {
  after(() => applyMessages('en', 'en', {}));
  const day = '2026-11-26T15:04:00Z';
  // Intl puts no-break spaces between an amount and its sign; these compare them as plain spaces.
  const formatMoney = (amount: number, currency: string) => money(amount, currency).replace(/\s/g, ' ');
  const formatRelative = (iso: string) => relative(iso).replace(/\s/g, ' ');

  it('write a German console the German way, and an English one the English way', () => {
    applyMessages('de', 'de-DE', {});
    assert.equal(formatNumber(1234567.5), '1.234.567,5');
    assert.equal(formatMoney(1234.5, 'EUR'), '1.234,50 €');
    assert.equal(formatDate(day), '26. Nov. 2026');
    assert.equal(formatRelative(new Date(Date.now() - 3 * 60_000).toISOString()), 'vor 3 Minuten');
    applyMessages('es', 'es-ES', {});
    assert.equal(formatMoney(1234.5, 'EUR'), '1234,50 €');
    assert.equal(formatDate(day), '26 nov 2026');
    applyMessages('en', 'en-US', {});
    assert.equal(formatNumber(1234567.5), '1,234,567.5');
    assert.equal(formatMoney(1234.5, 'EUR'), '€1,234.50');
    assert.equal(formatDate(day), 'Nov 26, 2026');
    assert.equal(formatRelative(new Date(Date.now() - 3 * 60_000).toISOString()), '3 minutes ago');
  });

  it('keep an unknown currency as a plain number rather than fail', () => {
    applyMessages('de', 'de', {});
    assert.equal(formatMoney(12.5, 'NOT-A-CODE'), '12,5');
  });
});

describe('which language a browser starts in', () => {
  it('is the first of the browser’s languages the console speaks, else English', () => {
    assert.equal(browserLanguage(['de-AT', 'en-US']), 'de');
    assert.equal(browserLanguage(['fr-FR', 'es-MX', 'de']), 'es');
    assert.equal(browserLanguage(['fr-FR', 'ja']), 'en');
    assert.equal(browserLanguage([]), 'en');
  });

  it('writes dates the browser’s own way of that language (de-AT), else the language’s', () => {
    assert.equal(localeFor('de', ['de-AT', 'en-US']), 'de-AT');
    assert.equal(localeFor('en', ['de-AT', 'en-GB']), 'en-GB');
    assert.equal(localeFor('es', ['de-AT']), 'es');
  });
});
