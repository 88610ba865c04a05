import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { demoAdmin } from './helpers/tag-fixtures.ts';

describe('the widget’s languages: site setting, packs and per-language campaign texts', () => {
  let srv: TestServer;
  let admin: ApiClient;
  before(async () => {
    ensureTagBuilt();
    srv = await startTestServer({ demo: true });
    admin = await demoAdmin(srv);
  });
  after(async () => {
    await srv?.close();
  });
  const get = (url: string) => srv.node.app.inject({ method: 'GET', url });

  it('redirects to the pack the page asks for when the site is on automatic, else English', async () => {
    const site = await admin.get(`/api/v1/sites/${srv.demo!.siteId}`);
    assert.equal(site.body.widgetLanguage, 'auto', 'a site starts on automatic');
    const cases: [string, string][] = [
      ['fr-CA,en-US', 'fr'],
      [',ko-KR,pt-BR', 'pt'],
      ['ko,xx', 'en'],
      ['', 'en'],
    ];
    for (const [tags, lang] of cases) {
      const res = await get(`/t/lang/${srv.demo!.siteKey}?l=${encodeURIComponent(tags)}`);
      assert.equal(res.statusCode, 302, tags);
      assert.match(
        String(res.headers.location),
        new RegExp(`^/t/i18n/${lang}\\.json\\?v=[0-9a-f]{12}$`),
        tags,
      );
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.match(
        String(res.headers['cache-control']),
        /max-age=300/,
        'a changed setting arrives in minutes',
      );
    }
  });

  it('serves a pack for a year under its hash, with dir and the mirror sheet for Arabic', async () => {
    const to = await get(`/t/lang/${srv.demo!.siteKey}?l=ar`);
    const pack = await get(String(to.headers.location));
    assert.equal(pack.statusCode, 200);
    assert.match(String(pack.headers['content-type']), /^application\/json/);
    assert.match(String(pack.headers['cache-control']), /immutable/);
    const body = pack.json();
    assert.equal(body.lang, 'ar');
    assert.equal(body.dir, 'rtl');
    assert.match(body.css, /\[dir=rtl\]/);
    assert.equal(body.phrases['Start chat'], 'بدء المحادثة');
    const de = (await get('/t/i18n/de.json')).json();
    assert.equal(de.dir, undefined, 'German is left to right');
    assert.equal(de.css, undefined);
    for (const url of [
      '/t/i18n/xx.json',
      '/t/i18n/..%2Fmanifest.json',
      '/t/i18n/de',
      '/t/lang/nosuchsite?l=de',
    ]) {
      const res = await get(url);
      assert.equal(res.statusCode, 404, url);
      assert.ok(res.json().error.code, url);
    }
  });

  it('lets an admin fix the site’s language, which then wins over the page', async () => {
    const bad = await admin.patch(`/api/v1/sites/${srv.demo!.siteId}`, { widgetLanguage: 'klingon' });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body.error), /widgetLanguage/);
    // A new site, so the tag's one-minute cache of the demo site's setting does not get in the way.
    const created = await admin.post('/api/v1/sites', { name: 'Shop DE', widgetLanguage: 'de' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.widgetLanguage, 'de');
    const res = await get(`/t/lang/${created.body.siteKey}?l=fr-FR,fr`);
    assert.match(String(res.headers.location), /^\/t\/i18n\/de\.json/);
    const back = await admin.patch(`/api/v1/sites/${created.body.id}`, { widgetLanguage: 'auto' });
    assert.equal(back.body.widgetLanguage, 'auto');
  });

  it('takes campaign texts per language and refuses a language the widget does not speak', async () => {
    const base = {
      name: 'Lamp offer, translated',
      status: 'draft',
      goal: { type: 'purchase' },
      targeting: { all: [{ field: 'page.url', op: 'contains', value: '/lamp' }] },
      priority: 10,
    };
    const content = {
      type: 'content',
      title: 'Free shipping today',
      text: 'On every lamp.',
      ctaLabel: 'Shop lamps',
      ctaUrl: 'https://shop.example/lamps',
      translations: {
        de: { title: 'Heute versandkostenfrei', ctaLabel: 'Lampen ansehen' },
        ar: { title: 'شحن مجاني اليوم' },
      },
    };
    const ok = await admin.post('/api/v1/campaigns', { ...base, engagement: content });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.deepEqual(ok.body.engagement.translations, content.translations);
    const wrongLang = await admin.post('/api/v1/campaigns', {
      ...base,
      engagement: { ...content, translations: { xx: { title: 'x' } } },
    });
    assert.equal(wrongLang.status, 400);
    assert.match(wrongLang.body.error.message, /translations/);
    const wrongField = await admin.post('/api/v1/campaigns', {
      ...base,
      engagement: { ...content, translations: { de: { ctaUrl: 'https://evil.example' } } },
    });
    assert.equal(wrongField.status, 400, 'a link cannot be changed per language');
    const tooLong = await admin.post('/api/v1/campaigns', {
      ...base,
      engagement: { ...content, translations: { de: { title: 'x'.repeat(121) } } },
    });
    assert.equal(tooLong.status, 400);
  });
});
