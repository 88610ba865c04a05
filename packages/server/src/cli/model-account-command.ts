// `beckon model train --account ID`: trains an account's own model from its finished sessions in the
// store, exactly as the server's Train button does, and activates it if it is not worse.
import type { Command } from 'commander';
import { MemoryBus } from '../bus/memory-bus.ts';
import { createLogger } from '../logger.ts';
import { ModelRegistry } from '../scoring/model-registry.ts';
import { ModelTrainer } from '../scoring/model-trainer.ts';
import { loadScoringConfig } from '../scoring/scoring-config.ts';
import { openStoreFromFlags, type StoreFlags } from './options.ts';

const INPUT_ERROR_EXIT = 2;

/** Trains one account's model against the configured store; returns the process exit code. */
export async function trainAccount(
  command: Command,
  flags: StoreFlags & { account: string },
): Promise<number> {
  const write = command.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));
  const writeErr = command.configureOutput().writeErr ?? ((text: string) => process.stderr.write(text));
  const store = await openStoreFromFlags(flags);
  const log = createLogger(flags.logLevel ?? 'warn', false).child({ component: 'model-cli' });
  const bus = new MemoryBus();
  try {
    if (!(await store.accounts.get(flags.account))) {
      writeErr(`error: no account ${flags.account}\n`);
      return INPUT_ERROR_EXIT;
    }
    const trainer = new ModelTrainer(store, bus, new ModelRegistry(store, log), loadScoringConfig(), log);
    const r = await trainer.train(flags.account, 'manual');
    if (r.outcome === 'not_enough_data') {
      writeErr(`error: not enough data: ${r.message}\n`);
      return INPUT_ERROR_EXIT;
    }
    if (r.outcome === 'failed') {
      writeErr(`error: training failed: ${r.message}\n`);
      return 1;
    }
    write(
      `trained on ${r.sessions} sessions (${r.purchases} purchases): ${r.message}\n` +
        (r.outcome === 'activated'
          ? 'running servers swap it in within a minute (or at once on the same bus)\n'
          : ''),
    );
    return 0;
  } finally {
    await bus.close();
    await store.close();
  }
}
