import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WIDGET_LANGUAGES } from '@beckon/protocol/widget-languages';
import { derivedPhrases } from '../derive-phrases.ts';
import { WIDGET_KEYS } from '../src/strings/keys.ts';
import { OWN_PHRASES } from '../src/strings/own-phrases.ts';
import { isRtl, LANGUAGES, languageOf, translator } from '../src/strings/translator.ts';
import { WIDGET_PHRASES } from '../src/strings/widget-phrases.ts';

describe('the drop-in UI’s words', () => {
  it('are the widget’s own, derived from its packs (run derive-phrases.ts after a pack changes)', () => {
    assert.deepEqual(WIDGET_PHRASES, derivedPhrases());
  });

  it('speak every language of the widget, each phrase translated', () => {
    assert.deepEqual([...LANGUAGES].sort(), [...WIDGET_LANGUAGES].sort());
    for (const lang of LANGUAGES) {
      if (lang !== 'en')
        assert.deepEqual(
          WIDGET_KEYS.filter((k) => WIDGET_PHRASES[lang]![k] === undefined),
          [],
          `${lang} lacks phrases`,
        );
      assert.deepEqual(Object.keys(OWN_PHRASES[lang]!), Object.keys(OWN_PHRASES.en!), `${lang} own phrases`);
    }
  });

  it('fill variables, prefer an app’s own words, and know which languages run right to left', () => {
    const de = translator('de', { 'Start chat': 'Jetzt fragen' });
    assert.equal(de('{n} of 5: {label}', { n: 4, label: 'Gut' }), '4 von 5: Gut');
    assert.equal(de('Start chat'), 'Jetzt fragen');
    assert.equal(translator('ar')('{name} is typing…', { name: 'Lina' }), 'Lina يكتب…');
    assert.equal(translator('en')('A phrase no pack has'), 'A phrase no pack has');
    assert.equal(languageOf('pt-BR'), 'pt');
    assert.equal(languageOf('ko-KR'), 'en');
    assert.deepEqual(
      LANGUAGES.filter((l) => isRtl(l)),
      ['ar', 'he'],
    );
  });
});
