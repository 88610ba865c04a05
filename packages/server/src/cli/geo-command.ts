// `beckon geo update` and `beckon geo lookup`: install a newer IP geolocation database in the data
// directory, and see where an address is placed. Output goes through commander's output
// configuration so the entry point (and tests) decide where it lands.
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { geoFiles, installGeoDatabase } from '../geo/geo-files.ts';
import { MmdbGeoLookup } from '../geo/geo-lookup.ts';

const INPUT_ERROR_EXIT = 2;

const writer = (command: Command) =>
  command.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));

/** Adds `geo update` and `geo lookup` to the CLI. */
export function registerGeoCommand(program: Command): void {
  const geo = program.command('geo').description('the IP geolocation database (IP geolocation by DB-IP)');
  geo
    .command('update')
    .description('install a city database (mmdb) in the data directory; nodes read it when they start')
    .requiredOption('--file <mmdb>', 'the database: both address families, or IPv4 only with --ipv6-file')
    .option('--ipv6-file <mmdb>', 'the IPv6 database, when --file holds IPv4 addresses only')
    .option('--data-dir <dir>', 'data directory (default: BECKON_DATA_DIR or ./data)')
    .showHelpAfterError(false)
    .action(function (this: Command, flags: { file: string; ipv6File?: string; dataDir?: string }) {
      const { dataDir } = loadConfig({ dataDir: flags.dataDir });
      try {
        const { builtAt } = installGeoDatabase(dataDir, flags.file, flags.ipv6File);
        const out = { installed: geoFiles({}, dataDir), builtAt: builtAt.toISOString() };
        writer(this)(`${JSON.stringify(out)}\n`);
      } catch (err) {
        this.error(`beckon: ${(err as Error).message}`, { exitCode: INPUT_ERROR_EXIT });
      }
    });
  geo
    .command('lookup')
    .description('print where the database places each address, one JSON line each')
    .argument('<address...>', 'IPv4 or IPv6 addresses')
    .option('--data-dir <dir>', 'data directory (default: BECKON_DATA_DIR or ./data)')
    .action(async function (this: Command, addresses: string[], flags: { dataDir?: string }) {
      const { dataDir } = loadConfig({ dataDir: flags.dataDir });
      const lookup = new MmdbGeoLookup(geoFiles(process.env, dataDir));
      const builtAt = (await lookup.builtAt())?.toISOString() ?? null;
      for (const address of addresses) {
        const geo = await lookup.lookup(address);
        writer(this)(`${JSON.stringify({ address, geo, builtAt })}\n`);
      }
    });
}
