import { AppError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';

/** The demo's mail domain unless `BECKON_EMAIL_DOMAIN` names another. */
export const DEMO_EMAIL_DOMAIN = 'demo.beckon.local';

/**
 * Gives the demo site `support@<domain>` and the domain's catch-all, so any address of the demo
 * domain reaches the demo's inbox (run on every start; addresses already there stay).
 */
export async function seedDemoEmail(
  store: Store,
  accountId: string,
  siteId: string,
  domain: string,
): Promise<void> {
  for (const address of [`support@${domain}`, `*@${domain}`]) {
    try {
      await store.email.addAddress(accountId, siteId, address);
    } catch (err) {
      // Another account of this installation has the address: the demo goes without it.
      if (!(err instanceof AppError && err.status === 409)) throw err;
    }
  }
}
