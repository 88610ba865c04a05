import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { campaignRegex, campaignRegexProblem, foldCase, linearEngineOn } from '../src/campaign-regex.ts';

describe('campaign regexes', () => {
  it('rewrite the i flag as classes of both cases, matching exactly what the flag matches', () => {
    const patterns = [
      '^/CHECKOUT',
      '/checkout/(payment|review)$',
      '[a-f0-9]{4}',
      '[^a-c]x',
      '[-a]b',
      '[a-]B',
      '[0-z]+',
      '[\\w.]+@Shop\\.test',
      '\\d+-Step',
      '\\x41b',
      '(?<Step>Pay)ment',
      '(?:Cart|BAG)s?',
      '[]A',
      '[^]',
      'Ärger/É',
    ];
    const inputs = [
      '/checkout/Payment',
      '/CHECKOUT/REVIEW',
      'ab12',
      'AB12',
      'dx',
      'Dx',
      'Ax',
      '-b',
      'Ab',
      'A-B',
      'a-b',
      'zZ[',
      'Me@SHOP.test',
      '12-step',
      'AB',
      'ab',
      'payment',
      'PAYMENT',
      'carts',
      'BaGs',
      'ärger/é',
      '',
    ];
    for (const p of patterns) {
      const withFlag = new RegExp(p, 'i');
      const folded = new RegExp(foldCase(p));
      for (const x of inputs) assert.equal(folded.test(x), withFlag.test(x), `${p} on ${JSON.stringify(x)}`);
    }
    assert.equal(foldCase('(?<Step>a)').startsWith('(?<Step>'), true, 'group names keep their case');
  });

  it('refuse what cannot run in linear time once the engine is on, and say why', () => {
    if (!linearEngineOn()) setFlagsFromString('--enable-experimental-regexp-engine');
    assert.equal(linearEngineOn(), true);
    assert.equal(campaignRegexProblem('(a+)+$', ''), null, 'nested quantifiers run in linear time there');
    assert.equal(campaignRegexProblem('^/checkout', 'i'), null);
    assert.match(campaignRegexProblem('(a)\\1', '') ?? '', /backreferences and lookarounds/);
    assert.match(campaignRegexProblem('/cart(?!/empty)', '') ?? '', /backreferences and lookarounds/);
    assert.match(campaignRegexProblem('(?<=/)cart', 'i') ?? '', /backreferences and lookarounds/);
    assert.match(campaignRegexProblem('caf\\u{e9}', 'u') ?? '', /u flag/);
    assert.match(campaignRegexProblem('(', '') ?? '', /^invalid regex/);
    assert.equal(campaignRegex('(a)\\1'), null, 'a stored pattern refused now never matches');
    assert.equal(campaignRegex('^/CHECKOUT', 'ig')?.test('/checkout/payment'), true);
  });
});
