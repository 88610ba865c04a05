import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { ApiClient } from '../../packages/server/test/helpers/api-client.ts';
import { startTestServer, type TestServer } from '../../packages/server/test/helpers/test-server.ts';
import { type JanusProcess, startJanus } from '../../scripts/janus-gateway.mjs';
import { launchBrowser, SHOTS_DIR } from './browser.ts';
import { FAKE_MEDIA, KEEP_PEERS } from './fake-media.ts';
import { NO_MDNS } from './phone-media.ts';
import { lanAddress } from './sip-phone.ts';
import { startRegistrar } from './sip-registrar.ts';
import { demoAdmin } from './tag-fixtures.ts';
import { type ConsolePage, goOnline, signedInAs } from './workspace-fixtures.ts';

/** The account's SIP trunk credentials the rig's registrar expects. */
export const TRUNK = { user: 'beckon-trunk', password: 'trunk-pass-1' };

/**
 * What a phone test runs on: Janus (its SIP side on the LAN address), a trunk's registrar,
 * Chromium with a fake microphone, a demo server using the gateway, its admin, and the Sales
 * agent online in the console. `close()` stops them all.
 */
export async function startPhoneRig(env: Record<string, string> = {}) {
  mkdirSync(SHOTS_DIR, { recursive: true });
  let janus: JanusProcess | undefined;
  let registrar: Awaited<ReturnType<typeof startRegistrar>> | undefined;
  let browser: Browser | undefined;
  let srv: TestServer | undefined;
  const close = async () => {
    await browser?.close();
    await srv?.close();
    await janus?.stop();
    await registrar?.close();
  };
  try {
    [janus, registrar, browser] = await Promise.all([
      startJanus({
        localIp: lanAddress(),
        ...(process.env.SIP_DEBUG ? { onLog: (l: string) => process.stderr.write(`[janus] ${l}`) } : {}),
      }),
      startRegistrar(TRUNK),
      launchBrowser([...FAKE_MEDIA, NO_MDNS]),
    ]);
    srv = await startTestServer({ demo: true, env: { BECKON_JANUS_URL: janus.url, ...env } });
    const admin: ApiClient = await demoAdmin(srv);
    const sales: ConsolePage = await signedInAs(
      browser,
      srv,
      'sales@demo.beckon.local',
      '/console/conversations',
      (ctx) => ctx.addInitScript(KEEP_PEERS),
    );
    await goOnline(sales.page);
    return { janus, registrar, browser, srv, admin, sales, close };
  } catch (err) {
    await close();
    throw err;
  }
}
export type PhoneRig = Awaited<ReturnType<typeof startPhoneRig>>;

/** Adds the account's trunk at the rig's registrar; resolves with its id and where it registered. */
export async function addTrunk(rig: PhoneRig): Promise<{ trunkId: string; host: string; port: number }> {
  const trunk = await rig.admin.post<{ id: string }>('/api/v1/phone/trunks', {
    name: 'Carrier',
    host: '127.0.0.1',
    port: rig.registrar.port,
    username: TRUNK.user,
    password: TRUNK.password,
  });
  assert.equal(trunk.status, 201, JSON.stringify(trunk.body));
  return { trunkId: trunk.body.id, ...(await rig.registrar.registered()) };
}
