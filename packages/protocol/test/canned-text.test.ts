import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandCannedText } from '../src/canned-text.ts';

describe('expandCannedText: the final text an agent sees before sending a canned response', () => {
  const vars = {
    visitor: { name: 'Ada Lovelace', email: 'ada@example.com' },
    agent: { name: 'Grace Brewster Hopper' },
  };

  it('fills the visitor and agent variables, wherever and however often they appear', () => {
    assert.equal(
      expandCannedText(
        'Hi {visitor.name}, I am {agent.firstName} ({agent.name}). Mail: {visitor.email}',
        vars,
      ),
      'Hi Ada Lovelace, I am Grace (Grace Brewster Hopper). Mail: ada@example.com',
    );
    assert.equal(expandCannedText('{visitor.name}{visitor.name}', vars), 'Ada LovelaceAda Lovelace');
    assert.equal(expandCannedText('Hi { visitor.name }!', vars), 'Hi Ada Lovelace!');
  });

  it('greets "there" when the visitor gave no name, blank or not', () => {
    for (const name of [undefined, null, '', '   ']) {
      assert.equal(expandCannedText('Hi {visitor.name}!', { visitor: { name }, agent: {} }), 'Hi there!');
    }
    assert.equal(expandCannedText('Hi {visitor.name}!', {}), 'Hi there!');
  });

  it('leaves unknown variables, and known ones without a value, as written so the agent notices', () => {
    const text = 'Order {order.id} for {visitor.email}, from {agent.name} / {agent.firstName} {nope}';
    assert.equal(expandCannedText(text, { visitor: { name: 'Lin' } }), text);
  });

  it('inserts values as plain text: markup in a name is not interpreted, and $-patterns stay literal', () => {
    const hostile = { visitor: { name: '<img src=x onerror=alert(1)> $& $1' }, agent: { name: "$' Bob" } };
    assert.equal(
      expandCannedText('Hi {visitor.name}, {agent.firstName} here', hostile),
      "Hi <img src=x onerror=alert(1)> $& $1, $' here",
    );
  });
});
