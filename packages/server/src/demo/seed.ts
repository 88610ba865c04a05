import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../auth/passwords.ts';
import { DEMO_EMAIL_DOMAIN, seedDemoEmail } from '../channels/email/demo-email.ts';
import { seedDemoCampaigns } from '../engagement/demo-campaigns.ts';
import { randomToken } from '../ids.ts';
import { DIR_MODE, FILE_MODE } from '../store/data-dir.ts';
import type { Store } from '../store/store.ts';
import { seedDemoCannedResponses } from './demo-canned.ts';

export interface DemoLogin {
  role: string;
  email: string;
  password: string;
}

export interface DemoSeedResult {
  accountId: string;
  siteKey: string;
  siteId: string;
  skillIds: { sales: string; support: string };
  logins: DemoLogin[];
  created: boolean;
}

export interface DemoSeedOptions {
  publicUrl: string;
  dataDir: string;
  adminEmail?: string;
  adminPassword?: string;
  /** Fixed agent password (tests); generated when absent. */
  agentPassword?: string;
  /** The domain whose every address reaches the demo site's inbox (default `demo.beckon.local`). */
  emailDomain?: string;
}

const DEMO_KEY = 'demo.account_id';
const LOGINS_FILE = 'demo-logins.json';

/**
 * Creates the "Demo Store" account once (site, Sales and Support skills, an owner and two agents)
 * and returns its logins; later runs reuse it. Generated passwords are kept in the data dir
 * (mode 600) so the terminal can print them again.
 */
export async function seedDemo(store: Store, opts: DemoSeedOptions): Promise<DemoSeedResult> {
  const loginsPath = join(opts.dataDir, LOGINS_FILE);
  const existing = await store.settings.get(DEMO_KEY);
  if (existing) {
    const account = await store.accounts.get(existing);
    if (account) {
      const sites = await store.sites.list(existing);
      const site = sites[0]!;
      const skills = await store.skills.list(existing);
      const origin = new URL(opts.publicUrl).origin;
      if (!site.allowedOrigins.includes(origin)) {
        await store.sites.update(existing, site.id, { allowedOrigins: [...site.allowedOrigins, origin] });
      }
      const logins: DemoLogin[] = existsSync(loginsPath) ? JSON.parse(readFileSync(loginsPath, 'utf8')) : [];
      const reused: DemoSeedResult = {
        accountId: existing,
        siteKey: site.siteKey,
        siteId: site.id,
        skillIds: {
          sales: skills.find((s) => s.name === 'Sales')!.id,
          support: skills.find((s) => s.name === 'Support')!.id,
        },
        logins,
        created: false,
      };
      await seedDemoCampaigns(store, reused); // older demo data may predate the campaigns
      await seedDemoCannedResponses(store, existing); // …or the canned responses
      await seedDemoEmail(
        store,
        existing,
        site.id,
        opts.emailDomain ?? DEMO_EMAIL_DOMAIN,
        reused.skillIds.support,
      ); // …or e-mail
      return reused;
    }
  }

  const account = await store.accounts.create('Demo Store');
  const origin = new URL(opts.publicUrl).origin;
  const site = await store.sites.create(account.id, {
    name: 'Demo storefront',
    allowedOrigins: [origin],
    timeZone: 'UTC',
  });
  const sales = await store.skills.create(account.id, {
    name: 'Sales',
    maxWaitSeconds: 120,
    offerTimeoutSeconds: 30,
  });
  const support = await store.skills.create(account.id, {
    name: 'Support',
    maxWaitSeconds: 300,
    offerTimeoutSeconds: 30,
    transferSkillIds: [sales.id],
  });
  await store.skills.update(account.id, sales.id, { transferSkillIds: [support.id] });

  const people = [
    {
      role: 'owner' as const,
      name: 'Demo Admin',
      email: opts.adminEmail ?? 'admin@demo.beckon.local',
      password: opts.adminPassword,
      skillIds: [sales.id, support.id],
      capacity: 3,
    },
    {
      role: 'agent' as const,
      name: 'Sales Agent',
      email: 'sales@demo.beckon.local',
      password: opts.agentPassword,
      skillIds: [sales.id],
      capacity: 3,
    },
    {
      role: 'agent' as const,
      name: 'Support Agent',
      email: 'support@demo.beckon.local',
      password: opts.agentPassword,
      skillIds: [support.id, sales.id],
      capacity: 4,
    },
  ];
  const logins: DemoLogin[] = [];
  let generated = false;
  for (const p of people) {
    const password = p.password ?? randomToken(14);
    generated ||= p.password === undefined;
    await store.users.create(account.id, {
      email: p.email,
      name: p.name,
      role: p.role,
      passwordHash: await hashPassword(password),
      skillIds: p.skillIds,
      capacity: p.capacity,
    });
    logins.push({
      role: p.role,
      email: p.email,
      password: p.password ? '(as configured)' : password,
    });
  }
  if (generated) {
    mkdirSync(opts.dataDir, { recursive: true, mode: DIR_MODE });
    writeFileSync(loginsPath, JSON.stringify(logins, null, 2), { mode: FILE_MODE });
    chmodSync(loginsPath, FILE_MODE); // `mode` applies only when the file is created
  }
  await store.settings.set(DEMO_KEY, account.id);
  const created: DemoSeedResult = {
    accountId: account.id,
    siteKey: site.siteKey,
    siteId: site.id,
    skillIds: { sales: sales.id, support: support.id },
    logins,
    created: true,
  };
  await seedDemoCampaigns(store, created);
  await seedDemoCannedResponses(store, account.id);
  await seedDemoEmail(store, account.id, site.id, opts.emailDomain ?? DEMO_EMAIL_DOMAIN, support.id);
  return created;
}
