import type { Command } from 'commander';
import { hashPassword } from '../auth/passwords.ts';
import { randomToken } from '../ids.ts';
import { openStoreFromFlags, type StoreFlags, storeOptions } from './options.ts';

const ROLES = ['owner', 'admin', 'agent', 'analyst'] as const;

function fail(message: string): never {
  console.error(`beckon: ${message}`);
  process.exit(2);
}

/** `beckon user add` and `beckon user reset-password`, for the first owner and locked-out users. */
export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage console users');

  storeOptions(
    user
      .command('add')
      .description('create a user (and an account with --new-account)')
      .requiredOption('--email <email>', 'sign-in e-mail')
      .requiredOption('--name <name>', 'display name')
      .option('--role <role>', `one of ${ROLES.join(', ')}`, 'owner')
      .option('--password <password>', 'at least 8 characters (default: generated and printed)')
      .option('--account <id>', 'account id (default: the only account)')
      .option('--new-account <name>', 'create a new account with this name'),
  ).action(
    async (
      flags: StoreFlags & {
        email: string;
        name: string;
        role: string;
        password?: string;
        account?: string;
        newAccount?: string;
      },
    ) => {
      if (!ROLES.includes(flags.role as (typeof ROLES)[number]))
        fail(`--role must be one of ${ROLES.join(', ')}`);
      if (flags.password !== undefined && flags.password.length < 8)
        fail('--password must have at least 8 characters');
      if (!/^[^\s@]+@[^\s@]+$/.test(flags.email)) fail('--email is not an e-mail address');
      const store = await openStoreFromFlags(flags);
      try {
        let accountId = flags.account;
        if (flags.newAccount) accountId = (await store.accounts.create(flags.newAccount)).id;
        if (!accountId) {
          const rows = await store.db.selectFrom('accounts').select('id').limit(2).execute();
          if (rows.length !== 1)
            fail(
              rows.length === 0
                ? 'no account yet: pass --new-account NAME'
                : 'several accounts: pass --account ID',
            );
          accountId = rows[0]!.id;
        } else if (!(await store.accounts.get(accountId))) fail(`no account ${accountId}`);
        const password = flags.password ?? randomToken(14);
        const created = await store.users
          .create(accountId, {
            email: flags.email,
            name: flags.name,
            role: flags.role as (typeof ROLES)[number],
            passwordHash: await hashPassword(password),
          })
          .catch((err: Error) => fail(err.message));
        console.log(
          `created ${created.role} ${created.email} in account ${accountId}${flags.password ? '' : `\npassword: ${password}`}`,
        );
      } finally {
        await store.close();
      }
    },
  );

  storeOptions(
    user
      .command('reset-password')
      .description('set a new password for a user and sign them out everywhere')
      .argument('<email>', "the user's e-mail")
      .option('--password <password>', 'at least 8 characters (default: generated and printed)'),
  ).action(async (email: string, flags: StoreFlags & { password?: string }) => {
    if (flags.password !== undefined && flags.password.length < 8)
      fail('--password must have at least 8 characters');
    const store = await openStoreFromFlags(flags);
    try {
      const found = await store.users.findForLogin(email);
      if (!found) fail(`no user with e-mail ${email}`);
      const password = flags.password ?? randomToken(14);
      await store.users.update(found.accountId, found.user.id, {
        passwordHash: await hashPassword(password),
      });
      await store.authSessions.deleteForUser(found.user.id);
      console.log(`password reset for ${found.user.email}${flags.password ? '' : `\npassword: ${password}`}`);
    } finally {
      await store.close();
    }
  });
}
