import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { type JanusProcess, startJanus } from '../scripts/janus-gateway.mjs';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { gatewayReady } from './helpers/phone-media.ts';
import { startRegistrar } from './helpers/sip-registrar.ts';
import { demoAdmin } from './helpers/tag-fixtures.ts';
import { signedInAs, until } from './helpers/workspace-fixtures.ts';

interface Trunk {
  id: string;
  status: string;
  statusReason: string | null;
  retryAt: string | null;
}

const skip = gatewayReady();

describe('Settings › Phone: a failed registration heals on its own; numbers changed and deleted', {
  skip,
  timeout: 90_000,
}, () => {
  let janus: JanusProcess;
  let flaky: Awaited<ReturnType<typeof startRegistrar>>;
  let refusing: Awaited<ReturnType<typeof startRegistrar>>;
  let srv: TestServer;
  let browser: Browser;
  let admin: ApiClient;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [janus, flaky, refusing, browser] = await Promise.all([
      startJanus(),
      // The carrier's registrar is down for the first REGISTER, then answers as usual.
      startRegistrar({ user: 'beckon-trunk', password: 'trunk-pass-1', unavailable: 1 }),
      startRegistrar({ user: 'other', password: 'x', refuse: true }),
      launchBrowser(),
    ]);
    srv = await startTestServer({
      demo: true,
      env: {
        BECKON_JANUS_URL: janus.url,
        BECKON_PHONE_RETRY_SECONDS: '2',
        BECKON_PHONE_RETRY_MAX_SECONDS: '600',
      },
    });
    admin = await demoAdmin(srv);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await janus?.stop();
    await flaky?.close();
    await refusing?.close();
  });

  const trunkOf = async (id: string) =>
    (await admin.get<{ items: Trunk[] }>('/api/v1/phone/trunks')).body.items.find((t) => t.id === id);
  const registrations = async (outcome: string) =>
    (await srv.node.ctx.metrics.phoneRegistrations.get()).values.find((v) => v.labels.outcome === outcome)
      ?.value ?? 0;

  it('a trunk whose carrier answers 503 shows failed with its next try, then registers without an edit', async () => {
    const created = await admin.post<Trunk>('/api/v1/phone/trunks', {
      name: 'Carrier',
      host: '127.0.0.1',
      port: flaky.port,
      username: 'beckon-trunk',
      password: 'trunk-pass-1',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const failed = await until(async () => {
      const t = await trunkOf(created.body.id);
      return t?.status === 'failed' ? t : null;
    }, 'the trunk shows the outage');
    assert.match(failed.statusReason ?? '', /503/);
    assert.ok(failed.retryAt, 'the next try is shown');
    const wait = Date.parse(failed.retryAt!) - Date.now();
    assert.ok(wait > 0 && wait <= 2_000, `the first retry comes after the first delay, in ${wait} ms`);

    await until(async () => (await trunkOf(created.body.id))?.status === 'registered', 'the retry registers');
    const healed = (await trunkOf(created.body.id))!;
    assert.equal(healed.retryAt, null);
    assert.equal(healed.statusReason, null);
    assert.ok(flaky.attempts.length >= 2, 'the gateway asked the registrar again');
    assert.equal(await registrations('failed'), 1);
    assert.equal(await registrations('registered'), 1);
  });

  it('Settings › Phone shows when a refused trunk is tried next; a number is changed in a dialog and deleted after a confirm', async () => {
    const refused = await admin.post<Trunk>('/api/v1/phone/trunks', {
      name: 'Refusing carrier',
      host: '127.0.0.1',
      port: refusing.port,
      username: 'beckon-trunk',
      password: 'wrong-pass',
    });
    assert.equal(refused.status, 201);
    const trunks = (await admin.get<{ items: Trunk[] }>('/api/v1/phone/trunks')).body.items;
    const carrier = trunks.find((t) => t.id !== refused.body.id)!;
    const number = await admin.post<{ id: string }>('/api/v1/phone/numbers', {
      number: '+4930123456',
      trunkId: carrier.id,
      skillId: srv.demo!.skillIds.sales,
    });
    assert.equal(number.status, 201);

    const settings = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/settings/phone');
    const { page } = settings;
    try {
      const row = page.getByTestId('trunk-row').filter({ hasText: 'Refusing carrier' });
      await row.getByTestId('trunk-reason').getByText(/403/).waitFor({ timeout: 15_000 });
      await row
        .getByTestId('trunk-retry')
        .getByText(/^Next try at /)
        .waitFor({ timeout: 15_000 });

      const numberRow = page.getByTestId('number-row').filter({ hasText: '+4930123456' });
      await numberRow.getByText('Sales').waitFor();
      await numberRow.getByRole('button', { name: 'Edit +4930123456' }).click();
      const dialog = page.getByTestId('number-dialog');
      await dialog.getByLabel('Number', { exact: true }).fill('+49 30 123 457');
      await dialog.getByLabel('Calls go to').selectOption({ label: 'Support' });
      await page.screenshot({ path: join(SHOTS_DIR, 'phone-settings-number-edit.png') });
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      const changed = page.getByTestId('number-row').filter({ hasText: '+4930123457' });
      await changed.getByText('Support').waitFor();
      await page.screenshot({ path: join(SHOTS_DIR, 'phone-settings-numbers.png') });
      const stored = await srv.node.ctx.store.phone.number(srv.demo!.accountId, number.body.id);
      assert.equal(stored?.number, '+4930123457');
      assert.equal(stored?.skill_id, srv.demo!.skillIds.support);

      await changed.getByRole('button', { name: 'Delete +4930123457' }).click();
      await page.getByRole('button', { name: 'Delete number' }).click();
      await page.getByTestId('numbers-empty').waitFor();
      assert.equal((await admin.get<{ items: unknown[] }>('/api/v1/phone/numbers')).body.items.length, 0);
    } finally {
      await settings.context.close();
    }
  });
});
