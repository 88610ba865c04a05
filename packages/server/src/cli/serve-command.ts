import { type Command, Option } from 'commander';
import { openStoreFromFlags, storeOptions } from './options.ts';
import type { ServeFlags } from './serve-node.ts';

function serverOptions(cmd: Command): Command {
  return storeOptions(cmd)
    .addOption(new Option('-p, --port <port>', 'HTTP port').env('PORT'))
    .addOption(new Option('--host <host>', 'address to listen on').env('HOST'))
    .addOption(new Option('--redis-url <url>', 'Redis URL for the scale-out bus').env('REDIS_URL'))
    .addOption(
      new Option('--public-url <url>', 'URL visitors reach this server at').env('BECKON_PUBLIC_URL'),
    );
}

/** Starts a node; the server's modules load here, not when the command line is read. */
async function run(flags: ServeFlags, demo: boolean): Promise<void> {
  const { serveNode } = await import('./serve-node.ts');
  await serveNode(flags, demo);
}

/** `beckon serve` (production) and `beckon demo` (serve with the seeded demo account), and `beckon migrate`. */
export function registerServeCommands(program: Command): void {
  serverOptions(program.command('serve').description('start a Beckon node')).action((flags: ServeFlags) =>
    run(flags, false),
  );
  serverOptions(
    program
      .command('demo')
      .description(
        'start Beckon with the Demo Store account, its storefront and logins (what `npm start` runs)',
      ),
  ).action((flags: ServeFlags) => run(flags, true));
  storeOptions(program.command('migrate').description('apply pending store migrations and exit')).action(
    async (flags: ServeFlags) => {
      const store = await openStoreFromFlags(flags);
      console.log(`the ${store.kind} store is migrated to the latest version`);
      await store.close();
    },
  );
}
