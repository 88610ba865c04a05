import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

/**
 * Every request the server makes to a URL goes through `src/egress/`, which checks addresses,
 * redirects, time and size. This test fails when a file elsewhere in `src/` calls `fetch`,
 * `http(s).request`/`get` or `http2.connect` itself, or uses openid-client without the egress's
 * `customFetch` — unless the file is on the reviewed list below, with its reason.
 */

const SRC = join(import.meta.dirname, '..', 'src');

/** Reviewed exceptions: path under `src/` → why it may make its own requests. None today. */
const EXCEPTIONS: Record<string, string> = {};

const OUTGOING: [RegExp, string][] = [
  [/(?<![.\w$])fetch\s*\(/, 'calls fetch'],
  [/\bglobalThis\.fetch\b/, 'calls fetch'],
  [/\bhttps?\.(request|get)\s*\(/, 'calls http(s).request or get'],
  [
    /import\s*\{[^}]*\b(request|get)\b[^}]*\}\s*from\s*'node:https?'/,
    'imports request or get from node:http(s)',
  ],
  [
    /\bhttp2\.connect\s*\(|import\s*\{[^}]*\bconnect\b[^}]*\}\s*from\s*'node:http2'/,
    'opens an HTTP/2 session',
  ],
  [/from\s*'undici'/, 'uses undici'],
];

/** What a file does that only the egress may, or nothing. */
export function outgoingCalls(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
  const found = OUTGOING.filter(([re]) => re.test(code)).map(([, what]) => what);
  if (/from\s*'openid-client'/.test(code) && !/customFetch/.test(code))
    found.push('uses openid-client without the egress customFetch');
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('egress boundary', () => {
  it('finds what it looks for', () => {
    assert.deepEqual(outgoingCalls('const r = await fetch(url);'), ['calls fetch']);
    assert.deepEqual(outgoingCalls('this.fetch(ref); // fetch(x)'), []);
    assert.deepEqual(outgoingCalls("import https from 'node:https';\nhttps.request(u);"), [
      'calls http(s).request or get',
    ]);
    assert.deepEqual(outgoingCalls("import { request } from 'node:http';"), [
      'imports request or get from node:http(s)',
    ]);
    assert.deepEqual(outgoingCalls('http2.connect(base)'), ['opens an HTTP/2 session']);
    assert.deepEqual(outgoingCalls("import * as oidc from 'openid-client';"), [
      'uses openid-client without the egress customFetch',
    ]);
  });

  it('no file outside src/egress makes its own requests, unless reviewed', () => {
    const offenders: string[] = [];
    const seen = new Set<string>();
    for (const file of sources(SRC)) {
      const path = relative(SRC, file);
      if (path.startsWith('egress/')) continue;
      const found = outgoingCalls(readFileSync(file, 'utf8'));
      if (found.length === 0) continue;
      if (EXCEPTIONS[path]) seen.add(path);
      else offenders.push(`${path}: ${found.join(', ')}`);
    }
    assert.deepEqual(
      offenders,
      [],
      'send these through src/egress (or review them into EXCEPTIONS with a reason)',
    );
    assert.deepEqual(
      Object.keys(EXCEPTIONS).filter((p) => !seen.has(p)),
      [],
      'an exception that no longer makes requests is taken off the list',
    );
  });
});
