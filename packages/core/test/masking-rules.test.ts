import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { linearEngineOn } from '@beckon/protocol/campaign-regex';
import fc from 'fast-check';
import { compileMasking, maskPatternProblem, maskText } from '../src/masking/message-masking.ts';
import {
  IBAN_LENGTHS,
  ibanValid,
  luhnValid,
  maskCardNumbers,
  maskIbans,
} from '../src/masking/sensitive-numbers.ts';

const builtIn = compileMasking({ cards: true, ibans: true, patterns: [] });

/** The digit that makes `body` pass the Luhn check. */
function luhnDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return String(d);
  throw new Error('unreachable');
}

describe('card numbers', () => {
  it('keeps the last four of a Luhn-valid number, written whole, in groups or with dashes', () => {
    assert.equal(
      maskCardNumbers('my card is 4242 4242 4242 4242, exp 12/29'),
      'my card is •••• 4242, exp 12/29',
    );
    assert.equal(maskCardNumbers('4111111111111111'), '•••• 1111');
    assert.equal(maskCardNumbers('amex 3782-822463-10005.'), 'amex •••• 0005.');
    assert.equal(maskCardNumbers('5555\u00a05555\u00a05555\u00a04444'), '•••• 4444');
    assert.equal(maskCardNumbers('13 digits 4222222222222 ok'), '13 digits •••• 2222 ok');
    assert.equal(
      maskCardNumbers('two: 4242424242424242 and 5555555555554444'),
      'two: •••• 4242 and •••• 4444',
    );
  });

  it('leaves order numbers, phone numbers, dates and amounts that fail the check', () => {
    for (const s of [
      'order 4242424242424241 shipped',
      'call +1 415 555 2671 or +44 20 7946 0958',
      'on 2026-11-27 at 12:00, total 1234.56',
      'tracking 1Z999AA10123456784',
      'twelve 424242424242 digits',
      'twenty 42424242424242424242 digits',
    ])
      assert.equal(maskCardNumbers(s), s);
  });

  it('leaves an international phone number, even one of 13 to 15 digits that passes the check', () => {
    const phone = `+4477009${'00000'}`;
    const valid = phone + luhnDigit(phone.slice(1));
    assert.ok(luhnValid(valid.slice(1)));
    assert.equal(maskText(`Call me on ${valid} after six`, builtIn), `Call me on ${valid} after six`);
    assert.equal(maskText('or +44 7700 900 1234 5', builtIn), 'or +44 7700 900 1234 5');
  });

  it('finds the card among digits written before it', () => {
    assert.equal(maskCardNumbers('qty 2 4242 4242 4242 4242'), 'qty 2 •••• 4242');
  });
});

describe('IBANs', () => {
  it('checks the country length and the mod-97 remainder', () => {
    assert.equal(ibanValid('DE89370400440532013000'), true);
    assert.equal(ibanValid('DE89370400440532013001'), false, 'one digit off');
    assert.equal(ibanValid('DE8937040044053201300'), false, 'one short of Germany’s 22');
    assert.equal(ibanValid('XX89370400440532013000'), false, 'no such country');
  });

  it('keeps the last four, grouped or not, in either case', () => {
    assert.equal(maskIbans('IBAN: DE89 3704 0044 0532 0130 00, thanks'), 'IBAN: •••• 3000, thanks');
    assert.equal(maskIbans('gb82west12345698765432'), '•••• 5432');
    assert.equal(maskIbans('FR14 2004 1010 0505 0001 3M02 606'), '•••• 2606');
    assert.equal(maskIbans('NO93 8601 1117 947 and NL91ABNA0417164300'), '•••• 7947 and •••• 4300');
  });

  it('leaves look-alikes', () => {
    for (const s of [
      'DE89 3704 0044 0532 0130 01',
      'DE89370400440532013000X',
      'ADE89370400440532013000',
      'AB12 is a room',
    ])
      assert.equal(maskIbans(s), s);
  });

  it('an IBAN is masked as an IBAN even when its digits pass for a card', () => {
    assert.equal(maskText('DE89 3704 0044 0532 0130 00', builtIn), '•••• 3000');
    assert.ok(Object.keys(IBAN_LENGTHS).length > 80);
  });
});

describe('account patterns', () => {
  it('replace each match literally, after the built-in rules', () => {
    const m = compileMasking({
      cards: true,
      ibans: false,
      patterns: [
        { name: 'Customer number', pattern: 'CUST-\\d{6}', flags: 'i', replacement: '[customer $&]' },
        { name: 'PIN', pattern: 'pin:? *\\d{4}', replacement: 'PIN ••••' },
      ],
    });
    assert.equal(
      maskText('cust-123456 paid with 4242 4242 4242 4242, pin 1234', m),
      '[customer $&] paid with •••• 4242, PIN ••••',
    );
  });

  it('refuses patterns that could backtrack without end, cannot compile, or match empty text', () => {
    // The server turns V8's linear-time engine on as it starts (regexp-engine.ts); so does this test.
    if (!linearEngineOn()) setFlagsFromString('--enable-experimental-regexp-engine');
    assert.match(maskPatternProblem({ pattern: '(a)\\1' }) ?? '', /backreferences/);
    assert.match(maskPatternProblem({ pattern: 'x(?=y)' }) ?? '', /lookarounds/);
    assert.match(maskPatternProblem({ pattern: '(' }) ?? '', /invalid regex/);
    assert.match(maskPatternProblem({ pattern: '\\d*' }) ?? '', /matches empty text/);
    assert.equal(maskPatternProblem({ pattern: '(a+)+$' }), null, 'runs on the linear engine');
  });

  it('turned off, nothing changes', () => {
    const off = compileMasking({ cards: false, ibans: false, patterns: [] });
    assert.equal(
      maskText('4242 4242 4242 4242 DE89370400440532013000', off),
      '4242 4242 4242 4242 DE89370400440532013000',
    );
  });
});

/** Text with no digits, so what surrounds a number never joins it. */
const wordy = fc.stringMatching(/^[a-zA-Z.,:;!?()'"\n ]{0,40}$/);
const separator = fc.constantFrom('', ' ', '-', '\u00a0');

/** A Luhn-valid number of 13–19 digits, split in groups of 1–6 by separators. */
const card = fc
  .tuple(
    fc.integer({ min: 13, max: 19 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }),
  )
  .map(([n, ds]) => {
    const body = ds.slice(0, n - 1).join('');
    return body + luhnDigit(body);
  });
const written = (digits: string) =>
  fc
    .tuple(
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 19, maxLength: 19 }),
      fc.array(separator, { minLength: 19, maxLength: 19 }),
    )
    .map(([sizes, seps]) => {
      let out = '';
      let at = 0;
      for (let k = 0; at < digits.length; k++) {
        const part = digits.slice(at, at + sizes[k]!);
        at += part.length;
        out += part + (at < digits.length ? seps[k]! : '');
      }
      return out;
    });

describe('masking properties', () => {
  it('any Luhn-valid number in digit-free text is masked to its last four', () => {
    fc.assert(
      fc.property(
        wordy,
        card.chain((d) => written(d).map((w) => [d, w] as const)),
        wordy,
        (before, [digits, w], after) => {
          // A space keeps a letter from touching the number's first or last group.
          const out = maskText(`${before} ${w} ${after}`, builtIn);
          assert.equal(out, `${before} •••• ${digits.slice(-4)} ${after}`);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a card number never survives, whatever text surrounds it (but a phone number it would extend)', () => {
    fc.assert(
      fc.property(
        // "+44 " just before the card would make it the tail of a phone number, which stays.
        fc.string({ maxLength: 30 }).filter((before) => !/\+[\d \u00a0-]*$/.test(before)),
        card.chain((d) => written(d).map((w) => [d, w] as const)),
        fc.string({ maxLength: 30 }),
        (before, [digits, w], after) => {
          const out = maskText(`${before} ${w} ${after}`, builtIn);
          assert.ok(!out.replace(/\D/g, '').includes(digits), `${digits} in ${out}`);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('order numbers failing the Luhn check and phone numbers stay as written', () => {
    const order = fc
      .array(fc.integer({ min: 0, max: 9 }), { minLength: 13, maxLength: 19 })
      .map((ds) => ds.join(''))
      .filter((d) => !luhnValid(d));
    const phone = fc
      .tuple(
        fc.integer({ min: 1, max: 99 }),
        fc.array(fc.integer({ min: 10, max: 9999 }), { minLength: 2, maxLength: 3 }),
      )
      .map(([cc, parts]) => `+${cc} ${parts.join(' ')}`);
    fc.assert(
      fc.property(wordy, fc.oneof(order, phone), wordy, (before, n, after) => {
        const text = `${before} ${n} ${after}`;
        assert.equal(maskText(text, builtIn), text);
      }),
      { numRuns: 400 },
    );
  });
});
