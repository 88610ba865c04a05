import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scoreOf, surveyText } from '../src/channels/csat/csat-survey.ts';

describe('what counts as an answer to a satisfaction survey', () => {
  it('a button’s payload or a message that is only a digit from 1 to 5', () => {
    assert.equal(scoreOf('', 'csat:4'), 4);
    assert.equal(scoreOf('5 · Excellent', 'csat:5'), 5);
    for (const [text, score] of [
      ['4', 4],
      [' 3 ', 3],
      ['5.', 5],
      ['2!', 2],
      ['4/5', 4],
      ['4 / 5', 4],
      ['1 · Very poor', 1],
    ] as const)
      assert.equal(scoreOf(text), score, text);
  });

  it('anything else is a message: other numbers, words around the digit, foreign payloads', () => {
    for (const text of ['0', '6', '10', '45', 'I give it a 5', '5 stars', 'five', 'STOP', '', '3 4'])
      assert.equal(scoreOf(text), null, text);
    assert.equal(scoreOf('Yes', 'Yes'), null, 'an agent’s own quick reply is not a rating');
    assert.equal(scoreOf('', 'csat:9'), null);
  });

  it('SMS asks for a digit, e-mail carries one link per score', () => {
    assert.match(surveyText('sms'), /Reply with a number from 1 \(very poor\) to 5 \(excellent\)/);
    const links = [5, 4, 3, 2, 1].map((score) => ({ score, url: `https://x.example/csat/rate?s=${score}` }));
    const mail = surveyText('email', links);
    assert.match(mail, /^5 · Excellent: https:\/\/x\.example\/csat\/rate\?s=5$/m);
    assert.match(mail, /^1 · Very poor: https:\/\/x\.example\/csat\/rate\?s=1$/m);
  });
});
