import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinkTracker, tokenHash, trackLinks } from '../src/broadcasts/broadcast-links.ts';

const PUBLIC = 'https://beckon.example';
const who = { broadcastId: 'bc_1', contactId: 'contact_1', accountId: 'acc_1', now: 1 };
const TRACKED = /https:\/\/beckon\.example\/b\/([A-Za-z0-9_-]{22})/g;

describe('tracked links of a broadcast message', () => {
  it('rewrites each address of a text once, keeping the sentence around it', () => {
    const t = new LinkTracker(PUBLIC, who);
    const out = t.text(
      'See https://shop.example/a?x=1&y=2. Or (https://shop.example/b) — again https://shop.example/a?x=1&y=2!',
    );
    assert.doesNotMatch(out, /shop\.example/);
    assert.match(
      out,
      /^See https:\/\/beckon\.example\/b\/\S{22}\. Or \(https:\/\/beckon\.example\/b\/\S{22}\) — again /,
    );
    assert.match(out, /!$/);
    assert.deepEqual(
      t.links.map((l) => l.url),
      ['https://shop.example/a?x=1&y=2', 'https://shop.example/b'],
    );
    const tokens = [...out.matchAll(TRACKED)].map((m) => m[1]!);
    assert.equal(tokens[0], tokens[2], 'one address, one token');
    assert.equal(t.links[0]!.token_hash, tokenHash(tokens[0]!), 'only the hash is stored');
    assert.notEqual(t.links[0]!.token_hash, tokens[0]);
  });

  it('rewrites the href of HTML links with their entities read, and leaves other schemes and our own links', () => {
    const t = new LinkTracker(PUBLIC, who);
    const out = t.html(
      '<a href="https://shop.example/a?x=1&amp;y=2">a</a> <a href=\'mailto:x@y.z\'>m</a> ' +
        '<a href="https://beckon.example/email/unsubscribe?a=1">stop</a> <img src="https://cdn.example/i.png">',
    );
    assert.deepEqual(
      t.links.map((l) => l.url),
      ['https://shop.example/a?x=1&y=2'],
    );
    assert.match(out, /mailto:x@y\.z/);
    assert.match(out, /email\/unsubscribe/);
    assert.match(out, /src="https:\/\/cdn\.example\/i\.png"/, 'images are not links');
  });

  it('tracks SMS and mail, never a WhatsApp template', () => {
    const msg = {
      text: 'Go https://shop.example/',
      payload: { html: '<a href="https://shop.example/">go</a>' },
    };
    const mail = trackLinks(PUBLIC, who, 'email', msg);
    assert.equal(mail.links.length, 1);
    assert.doesNotMatch(JSON.stringify(mail.message), /shop\.example/);
    const wa = trackLinks(PUBLIC, who, 'whatsapp', msg);
    assert.deepEqual(wa, { message: msg, links: [] });
  });

  it('gives every recipient tokens of their own, and tracks at most 20 addresses a message', () => {
    const a = new LinkTracker(PUBLIC, who);
    const b = new LinkTracker(PUBLIC, { ...who, contactId: 'contact_2' });
    assert.notEqual(a.text('https://shop.example/'), b.text('https://shop.example/'));
    const many = new LinkTracker(PUBLIC, who);
    many.text(Array.from({ length: 25 }, (_, i) => `https://shop.example/${i}`).join(' '));
    assert.equal(many.links.length, 20);
  });
});
