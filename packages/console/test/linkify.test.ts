import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linkify, safeHref } from '../src/pages/conversations/chat/linkify.ts';

const links = (text: string) => linkify(text).filter((p) => p.kind === 'link');

describe('message auto-links', () => {
  it('links http, https and mailto, keeping the rest as text', () => {
    const parts = linkify('See https://shop.example/jacket?id=7 or write to help@shop.example.');
    assert.deepEqual(parts, [
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://shop.example/jacket?id=7', href: 'https://shop.example/jacket?id=7' },
      { kind: 'text', text: ' or write to ' },
      { kind: 'link', text: 'help@shop.example', href: 'mailto:help@shop.example' },
      { kind: 'text', text: '.' },
    ]);
    assert.equal(links('mailto:a@b.example')[0]?.href, 'mailto:a@b.example');
    assert.equal(links('http://x.example/a_(b)')[0]?.text, 'http://x.example/a_(b)');
    assert.equal(links('(see http://x.example/a)')[0]?.text, 'http://x.example/a');
  });

  it('never links javascript:, data: or other schemes', () => {
    for (const text of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      '<a href="javascript:alert(1)">x</a>',
    ]) {
      assert.deepEqual(links(text), [], text);
      assert.equal(
        linkify(text)
          .map((p) => p.text)
          .join(''),
        text,
        'the text is kept as it was',
      );
    }
    assert.equal(safeHref('javascript:alert(1)'), null);
    assert.equal(safeHref('http://'), null);
  });

  it('keeps hostile markup as plain text around a real link', () => {
    const text = '<img src=x onerror=alert(1)> https://ok.example "><script>alert(2)</script>';
    const parts = linkify(text);
    assert.equal(parts.map((p) => p.text).join(''), text);
    assert.deepEqual(
      links(text).map((p) => p.href),
      ['https://ok.example/'],
    );
  });

  it('leaves text without links alone', () => {
    assert.deepEqual(linkify('Just words, no links.'), [{ kind: 'text', text: 'Just words, no links.' }]);
    assert.deepEqual(linkify(''), []);
  });
});
