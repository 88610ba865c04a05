import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { infoDigit, menuPrompt } from '../src/phone/phone-hub.ts';
import { e164, outboundEnd, sipUser } from '../src/phone/phone-lines.ts';

describe('phone numbers and SIP answers', () => {
  it('reads a number as people write it, in E.164, or refuses it', () => {
    assert.equal(e164('+1 555 000 2'), '+15550002');
    assert.equal(e164('+49 (30) 123-456'), '+4930123456');
    assert.equal(e164('030 123456'), null, 'no country code');
    assert.equal(e164('+0123456'), null, 'no country starts with 0');
    assert.equal(e164('+1234'), null, 'too short');
    assert.equal(e164('+1234567890123456'), null, 'too long');
    assert.equal(e164('call me'), null);
  });

  it('tells busy from not answered by the final SIP answer of a dialled call', () => {
    assert.equal(outboundEnd(486), 'busy');
    assert.equal(outboundEnd(600), 'busy');
    assert.equal(outboundEnd(408), 'no_answer');
    assert.equal(outboundEnd(480), 'no_answer');
    assert.equal(outboundEnd(487), 'no_answer');
    assert.equal(outboundEnd(603), 'declined');
  });

  it('takes the user part of a SIP URI', () => {
    assert.equal(sipUser('sip:+4930123@carrier.example'), '+4930123');
    assert.equal(sipUser('<sip:nobody>'), '');
  });

  it('reads the key of a SIP INFO, and nothing from one that carries none', () => {
    assert.equal(infoDigit('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n'), '5');
    assert.equal(infoDigit('Application/DTMF-Relay', 'Signal= #\r\n'), '#');
    assert.equal(infoDigit('application/dtmf', '*'), '*');
    assert.equal(infoDigit('application/dtmf-relay', 'Signal=A'), null);
    assert.equal(infoDigit('application/dtmf-relay', 'Duration=160'), null);
    assert.equal(infoDigit('text/plain', 'Signal=1'), null);
  });

  it('speaks a menu as its greeting, then each choice', () => {
    const prompt = menuPrompt({
      greeting: ' Welcome to Demo. ',
      choices: [
        { digit: '1', label: 'Sales', skillId: 's' },
        { digit: '*', label: 'the operator', skillId: 'o' },
      ],
    });
    assert.equal(prompt, 'Welcome to Demo. For Sales, press 1. For the operator, press star.');
  });
});
