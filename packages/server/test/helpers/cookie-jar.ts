/**
 * `fetch` with a browser's memory for cookies, one jar per origin, so a test can walk a sign-in
 * through two servers' redirects as a browser would. Paths and expiry dates are not kept: a
 * cookie set to an empty value or with `Max-Age=0` is dropped.
 */
export class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  /** The cookie's value for `origin`, if one is kept. */
  get(origin: string, name: string): string | undefined {
    return this.byOrigin.get(new URL(origin).origin)?.get(name);
  }

  /** One request, without following redirects, sending and keeping the origin's cookies. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const origin = new URL(url).origin;
    const jar = this.byOrigin.get(origin) ?? new Map<string, string>();
    this.byOrigin.set(origin, jar);
    const headers = new Headers(init.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = !value || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (gone) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }
}
