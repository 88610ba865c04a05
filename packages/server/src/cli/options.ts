import { type Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { prepareDataDir, sqliteFile } from '../store/data-dir.ts';
import type { Store } from '../store/store.ts';

/** Options shared by every command that opens the store. */
export function storeOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--data-dir <dir>', 'directory of the embedded store').env('BECKON_DATA_DIR'))
    .addOption(
      new Option('--database-url <url>', 'PostgreSQL URL (default: embedded SQLite)').env('DATABASE_URL'),
    )
    .addOption(new Option('--log-level <level>', 'trace|debug|info|warn|error').env('LOG_LEVEL'));
}

export interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
  logLevel?: string;
}

/**
 * Opens and migrates the configured store for a one-off command. These commands (migrate, user,
 * model train) touch no secret, so they need no key: they run before the first `beckon serve` has
 * made one, or on a machine without it, and would refuse to write a secret in clear.
 */
export async function openStoreFromFlags(flags: StoreFlags): Promise<Store> {
  const config = loadConfig(flags);
  prepareDataDir(config.dataDir, { sqlite: !config.databaseUrl });
  // Loaded here, not with the command line: the offline tools never open a store.
  const [{ Store }, { SecretBox }] = await Promise.all([
    import('../store/store.ts'),
    import('../store/secret-box.ts'),
  ]);
  const store = await Store.open({
    databaseUrl: config.databaseUrl,
    sqlitePath: sqliteFile(config.dataDir),
    ...config.store,
  });
  await store.migrate();
  store.useSecrets(SecretBox.absent());
  return store;
}
