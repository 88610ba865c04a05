import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseClassification } from '../src/assist/intent-classifier.ts';
import { intentByRules, sentimentByRules } from '../src/assist/intent-rules.ts';

const INTENTS = [
  {
    name: 'order status',
    examples: ['where is my order', 'tracking', 'wo ist meine bestellung', 'dónde está mi pedido'],
  },
  {
    name: 'return',
    examples: ['send it back', 'refund', 'zurückschicken', 'rücksendung', 'devolver', 'devolución'],
  },
  { name: 'pricing', examples: ['how much', 'price', 'preis', 'kostet', 'precio', 'cuánto cuesta'] },
];

describe('intent and sentiment without a model', () => {
  it('finds the intent from the example phrases in English, German and Spanish', () => {
    const cases: [string, string | null][] = [
      ['Hi! Where is my order? The tracking has not moved.', 'order status'],
      ['I would like to send it back and get a refund', 'return'],
      ['How much is the blue one?', 'pricing'],
      ['Wo ist meine Bestellung? Sie ist seit Tagen unterwegs.', 'order status'],
      ['Ich möchte die Schuhe zurückschicken', 'return'],
      ['Was kostet der Versand nach Österreich?', 'pricing'],
      ['¿Dónde está mi pedido?', 'order status'],
      ['Quiero devolver las zapatillas', 'return'],
      ['Hola, ¿cuánto cuesta el envío?', 'pricing'],
      ['Hello there', null],
    ];
    for (const [line, want] of cases) assert.equal(intentByRules(INTENTS, [line]), want, line);
  });

  it('the intent’s own name counts, a longer phrase outweighs a word, and plurals still match', () => {
    assert.equal(intentByRules(INTENTS, ['Question about pricing']), 'pricing');
    assert.equal(intentByRules(INTENTS, ['Refunds?']), 'return');
    assert.equal(intentByRules(INTENTS, ['las devoluciones']), 'return', 'devolución → devoluciones');
    assert.equal(intentByRules([], ['where is my order']), null);
  });

  it('reads the sentiment from the word lists, turned round by a negation', () => {
    const cases: [string, string][] = [
      ['Thank you so much, that was really helpful!', 'positive'],
      ['This is unacceptable, the parcel arrived damaged', 'negative'],
      ['My order number is 5521', 'neutral'],
      ['It is not good at all', 'negative'],
      ['Vielen Dank, super Service!', 'positive'],
      ['Ich bin sehr enttäuscht, das ist kaputt', 'negative'],
      ['Ich bin nicht zufrieden', 'negative'],
      ['¡Muchas gracias, excelente!', 'positive'],
      ['Estoy harta, el producto llegó roto', 'negative'],
      ['No funciona', 'negative'],
    ];
    for (const [line, want] of cases) assert.equal(sentimentByRules([line]), want, line);
  });
});

describe('the model’s classification, parsed strictly', () => {
  it('takes one JSON object with a listed intent (or none) and a known sentiment; anything else is garbage', () => {
    assert.deepEqual(parseClassification('{"intent":"Return","sentiment":"negative"}', INTENTS), {
      intent: 'return',
      sentiment: 'negative',
    });
    assert.deepEqual(parseClassification(' {"intent": "none", "sentiment": "neutral"}\n', INTENTS), {
      intent: null,
      sentiment: 'neutral',
    });
    for (const garbage of [
      'The intent is return.',
      '```json\n{"intent":"return","sentiment":"negative"}\n```',
      '{"intent":"cancellation","sentiment":"negative"}',
      '{"intent":"return","sentiment":"angry"}',
      '{"intent":"return","sentiment":"negative","confidence":0.9}',
      '["return","negative"]',
      '',
    ])
      assert.equal(parseClassification(garbage, INTENTS), undefined, garbage);
  });
});
