import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linkHref, linkify } from '../src/widget/chat/autolink.ts';

const links = (text: string) =>
  linkify(text).filter((p): p is { href: string; text: string } => typeof p !== 'string');

describe('auto-linking message text', () => {
  it('links http, https and www addresses, keeping the text around them', () => {
    assert.deepEqual(linkify('See https://shop.example/tents?size=2 for sizes'), [
      'See ',
      { href: 'https://shop.example/tents?size=2', text: 'https://shop.example/tents?size=2' },
      ' for sizes',
    ]);
    assert.deepEqual(links('or www.example.org/help'), [
      { href: 'https://www.example.org/help', text: 'www.example.org/help' },
    ]);
    assert.deepEqual(links('HTTP://EXAMPLE.COM'), [
      { href: 'http://example.com/', text: 'HTTP://EXAMPLE.COM' },
    ]);
  });

  it('links mailto: and bare e-mail addresses', () => {
    assert.deepEqual(links('write to help@shop.example.'), [
      { href: 'mailto:help@shop.example', text: 'help@shop.example' },
    ]);
    assert.deepEqual(links('mailto:ada@example.com?subject=Hi'), [
      { href: 'mailto:ada@example.com?subject=Hi', text: 'mailto:ada@example.com?subject=Hi' },
    ]);
  });

  it('leaves sentence punctuation and unbalanced brackets outside the link', () => {
    assert.deepEqual(links('Try https://a.example/x, or (https://b.example/y).'), [
      { href: 'https://a.example/x', text: 'https://a.example/x' },
      { href: 'https://b.example/y', text: 'https://b.example/y' },
    ]);
    assert.deepEqual(links('https://en.example/wiki/Tent_(camping)!'), [
      { href: 'https://en.example/wiki/Tent_(camping)', text: 'https://en.example/wiki/Tent_(camping)' },
    ]);
  });

  it('never links javascript:, data: or other schemes, and keeps markup as text', () => {
    for (const hostile of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      '<a href="javascript:alert(1)">click</a>',
      '<img src=x onerror=alert(1)>',
      'file:///etc/passwd',
    ]) {
      assert.deepEqual(linkify(hostile), [hostile], hostile);
    }
    assert.equal(linkHref('javascript:alert(1)'), null);
    assert.equal(linkHref('http://'), null);
  });

  it('keeps quotes and angle brackets out of an address, so nothing can break out of it', () => {
    assert.deepEqual(links('<https://x.example/"onmouseover="alert(1)>'), [
      { href: 'https://x.example/', text: 'https://x.example/' },
    ]);
  });

  it('returns the text unchanged when there is nothing to link', () => {
    assert.deepEqual(linkify('Hello there\nsecond line'), ['Hello there\nsecond line']);
    assert.deepEqual(linkify(''), []);
  });
});
