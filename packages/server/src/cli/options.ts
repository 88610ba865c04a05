import { type Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { prepareDataDir, sqliteFile } from '../store/data-dir.ts';
import { loadSecretBox } from '../store/secret-box.ts';
import { Store } from '../store/store.ts';

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

/** Opens and migrates the configured store for a one-off command. */
export async function openStoreFromFlags(flags: StoreFlags): Promise<Store> {
  const config = loadConfig(flags);
  prepareDataDir(config.dataDir, { sqlite: !config.databaseUrl });
  const store = await Store.open({
    databaseUrl: config.databaseUrl,
    sqlitePath: sqliteFile(config.dataDir),
    ...config.store,
  });
  await store.migrate();
  store.useSecrets(loadSecretBox(config.secretKeys, config.dataDir).box);
  return store;
}
