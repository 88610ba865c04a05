import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invitationAnswers, invitationFrom } from '../src/widget/invitation-copy.ts';

describe('the words of a chat invitation (widget and console preview)', () => {
  it('names the agent who will answer, else speaks for the team', () => {
    assert.deepEqual(invitationFrom(' Sales Agent '), {
      name: 'Sales Agent',
      status: 'Online now · here to help',
      agent: 'Sales Agent',
    });
    for (const none of [undefined, null, '', '   ']) {
      assert.deepEqual(invitationFrom(none), {
        name: 'Chat with us',
        status: 'A team member is online',
        agent: null,
      });
    }
  });

  it('answers with Start chat or Not now', () => {
    assert.deepEqual(invitationAnswers(), ['Start chat', 'Not now']);
  });
});
