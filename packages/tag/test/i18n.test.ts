import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WIDGET_LANGUAGES } from '@beckon/protocol/widget-languages';
import { formatSize } from '../src/widget/chat/attachment-rules.ts';
import { replyWhen } from '../src/widget/chat/reply-when.ts';
import { type Pack, type Phrase, t, useLang } from '../src/widget/i18n/i18n.ts';

const widgetDir = new URL('../src/widget/', import.meta.url).pathname;
const packDir = join(widgetDir, 'i18n/packs');

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

/** Every English text the widget looks up: the first argument of each `t('…')` in its source. */
function englishKeys(): Set<string> {
  const keys = new Set<string>();
  for (const file of sources(widgetDir)) {
    const code = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\*|\/\/)/.test(line))
      .join('\n');
    for (const m of code.matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)) keys.add(m[1]!);
  }
  return keys;
}

const packs = readdirSync(packDir).map((f) => ({
  lang: f.replace(/\.json$/, ''),
  phrases: JSON.parse(readFileSync(join(packDir, f), 'utf8')) as Record<string, Phrase>,
}));
const vars = (s: string) => new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!));

describe('the widget’s language packs', () => {
  const keys = englishKeys();

  it('exist for every language the widget offers, besides the built-in English', () => {
    assert.ok(keys.size > 100, `only ${keys.size} strings found`);
    assert.deepEqual(packs.map((p) => p.lang).sort(), WIDGET_LANGUAGES.filter((l) => l !== 'en').sort());
  });

  for (const { lang, phrases } of packs) {
    it(`${lang}: has every English key, no extra one, and the same variables`, () => {
      const have = new Set(Object.keys(phrases));
      assert.deepEqual(
        [...keys].filter((k) => !have.has(k)),
        [],
        `${lang} misses these`,
      );
      assert.deepEqual(
        [...have].filter((k) => !keys.has(k)),
        [],
        `${lang} has keys the widget no longer uses`,
      );
      const rules = new Intl.PluralRules(lang);
      for (const [en, phrase] of Object.entries(phrases)) {
        const want = vars(en);
        const forms = typeof phrase === 'string' ? { other: phrase } : phrase;
        if (typeof phrase === 'object') {
          assert.ok(en.includes('|'), `${lang}: "${en}" is not a plural, yet has forms`);
          for (const cat of rules.resolvedOptions().pluralCategories) {
            assert.ok(forms[cat] || forms.other, `${lang}: "${en}" lacks the ${cat} form`);
          }
        }
        for (const [cat, text] of Object.entries(forms)) {
          assert.ok(text.trim(), `${lang}: "${en}" is empty`);
          const got = vars(text);
          for (const v of got)
            assert.ok(want.has(v), `${lang}: "${en}" (${cat}) has {${v}}, which English lacks`);
          // A form may spell its number out ("ملف واحد"); every other variable must be there.
          for (const v of want) {
            if (v !== 'n' || cat === 'other') assert.ok(got.has(v), `${lang}: "${en}" (${cat}) lacks {${v}}`);
          }
        }
      }
    });
  }
});

describe('the widget’s lookup', () => {
  const load = (lang: string) => {
    const found = packs.find((p) => p.lang === lang);
    useLang({ lang, phrases: found?.phrases ?? {} } satisfies Pack);
  };
  after(() => load('en'));

  it('answers English from the key itself, with English plurals', () => {
    load('en');
    assert.equal(t('Start chat'), 'Start chat');
    assert.equal(t('{n} unread message|{n} unread messages', { n: 1 }), '1 unread message');
    assert.equal(t('{n} unread message|{n} unread messages', { n: 3 }), '3 unread messages');
    assert.equal(t('Transcript sent to {to}.', { to: 'a@b.c' }), 'Transcript sent to a@b.c.');
  });

  it('answers in the pack’s language, choosing the plural form the language needs', () => {
    load('pl');
    assert.equal(t('Start chat'), 'Rozpocznij czat');
    assert.equal(t('{n} unread message|{n} unread messages', { n: 1 }), '1 nieprzeczytana wiadomość');
    assert.equal(t('{n} unread message|{n} unread messages', { n: 3 }), '3 nieprzeczytane wiadomości');
    assert.equal(t('{n} unread message|{n} unread messages', { n: 5 }), '5 nieprzeczytanych wiadomości');
    load('ar');
    assert.equal(t('{n} unread message|{n} unread messages', { n: 2 }), 'رسالتان غير مقروءتين');
    assert.equal(t('{n} unread message|{n} unread messages', { n: 3 }), '3 رسائل غير مقروءة');
    load('ja');
    assert.equal(t('{n} unread message|{n} unread messages', { n: 4 }), '未読メッセージ4件');
  });

  it('falls back to English for a text a pack lacks', () => {
    load('de');
    assert.equal(t('A sentence no pack has'), 'A sentence no pack has');
  });

  it('writes times, dates and sizes the way the chosen locale does', () => {
    process.env.TZ = 'UTC';
    const friday = Date.parse('2026-01-16T18:00:00Z');
    load('de');
    assert.equal(replyWhen('2026-01-17T09:00:00Z', friday), 'Wir antworten morgen um 9:00');
    assert.equal(replyWhen('2026-01-19T08:00:00Z', friday), 'Wir antworten am Montag um 8:00');
    assert.equal(formatSize(3.45 * 1024 * 1024), '3,5 MB');
    load('fr');
    assert.equal(formatSize(240 * 1024).replace(/\s/g, ' '), '240 ko');
    load('ja');
    assert.equal(replyWhen('2026-01-16T20:00:00Z', friday), '本日20:00以降にご返信します');
  });
});
