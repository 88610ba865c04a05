import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDemoHistory } from '../src/demo/demo-history.ts';
import {
  BROWSING_DEEPLY,
  CHAT_WITH_US,
  CHECKOUT_HESITATION,
  demoCampaignId,
} from '../src/engagement/demo-campaigns.ts';
import { ApiClient } from './helpers/api-client.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

interface CampaignLift {
  campaignId: string;
  campaignName: string;
  exposed: { visitors: number; converted: number };
  control: { visitors: number; converted: number };
  absoluteLift: { estimate: number; ci: [number, number] } | null;
  verdict: string;
}

/** A fresh demo install, as `npm start` makes it: the account, its campaigns and its full history. */
async function install(): Promise<{ srv: TestServer; campaigns: unknown[]; overlap: unknown }> {
  const srv = await startTestServer({ demo: true });
  await seedDemoHistory(srv.node.ctx.store, srv.demo!);
  const admin = new ApiClient(srv.node.app);
  await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
  const res = await admin.get('/api/v1/reports/campaigns');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { srv, campaigns: res.body.campaigns, overlap: res.body.overlap };
}

describe('the demo’s lift: the same on every install, and resolved where the simulation has an effect', () => {
  const installs: Array<{ srv: TestServer; campaigns: unknown[]; overlap: unknown }> = [];
  before(async () => {
    installs.push(await install());
    installs.push(await install());
  });
  after(async () => {
    for (const i of installs) await i.srv.close();
  });

  it('gives two fresh installs the same campaign figures, under the same campaign ids', () => {
    const [a, b] = installs;
    assert.notEqual(a!.srv.demo!.accountId, b!.srv.demo!.accountId, 'two accounts of their own');
    assert.deepEqual(a!.campaigns, b!.campaigns);
    assert.deepEqual(a!.overlap, b!.overlap, 'the same purchases counted once and added up');
    const ids = (a!.campaigns as CampaignLift[]).map((c) => c.campaignId).sort();
    assert.deepEqual(ids, [CHECKOUT_HESITATION, BROWSING_DEEPLY, CHAT_WITH_US].map(demoCampaignId).sort());
  });

  it('shows each campaign with a true effect clear of zero, with a control group of hundreds', () => {
    const byName = new Map((installs[0]!.campaigns as CampaignLift[]).map((c) => [c.campaignName, c]));
    // The simulation makes a chat at checkout and a clicked offer raise purchases (demo-shoppers.ts).
    for (const name of [CHECKOUT_HESITATION, BROWSING_DEEPLY]) {
      const c = byName.get(name)!;
      assert.ok(c.control.visitors >= 200, `${name}: ${c.control.visitors} visitors held out`);
      assert.ok(c.absoluteLift, `${name} has a lift`);
      assert.ok(c.absoluteLift.ci[0] > 0, `${name}: interval ${c.absoluteLift.ci} is clear of zero`);
      assert.equal(c.verdict, 'treatment_better', `${name}: ${c.verdict}`);
    }
    // The chat button holds nobody back: there is nothing to compare, and the report says so.
    const button = byName.get(CHAT_WITH_US)!;
    assert.equal(button.control.visitors, 0);
    assert.equal(button.verdict, 'not_enough_data');
  });
});
