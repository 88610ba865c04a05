import { AppError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';

/** The demo's mail domain unless `BECKON_EMAIL_DOMAIN` names another. */
export const DEMO_EMAIL_DOMAIN = 'demo.beckon.local';

/**
 * Gives the demo site `support@<domain>` and the domain's catch-all, so any address of the demo
 * domain reaches the demo's inbox, and sends new mail to the Support queue (`supportSkillId`, when
 * given) rather than the account's first skill, Sales. Runs on every start; addresses already there
 * stay, and a default skill an admin chose for e-mail is kept.
 */
export async function seedDemoEmail(
  store: Store,
  accountId: string,
  siteId: string,
  domain: string,
  supportSkillId?: string,
): Promise<void> {
  if (supportSkillId && !(await store.channelSettings.defaultSkill(accountId, 'email'))) {
    await store.channelSettings.put(accountId, [{ channel: 'email', defaultSkillId: supportSkillId }]);
  }
  for (const address of [`support@${domain}`, `*@${domain}`]) {
    try {
      await store.email.addAddress(accountId, siteId, address);
    } catch (err) {
      // Another account of this installation has the address: the demo goes without it.
      if (!(err instanceof AppError && err.status === 409)) throw err;
    }
  }
}
