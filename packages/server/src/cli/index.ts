import { Command } from 'commander';
import { StartupError } from '../errors.ts';
import { registerAnalyticsCommand } from './analytics-command.ts';
import { registerGeoCommand } from './geo-command.ts';
import { registerModelCommand } from './model-command.ts';
import { registerServeCommands } from './serve-command.ts';
import { registerUserCommands } from './user-command.ts';

/** The `beckon` command line: serve, demo, migrate, user, and the offline tools. */
export function buildProgram(): Command {
  const program = new Command('beckon')
    .description(
      'Beckon — open-source intelligent engagement: behavioural targeting, proactive chat, routing, measured lift.',
    )
    .showHelpAfterError()
    .exitOverride((err) => {
      // commander throws for --help/--version too; those are successes.
      process.exit(err.exitCode === 0 ? 0 : 2);
    });
  registerServeCommands(program);
  registerUserCommands(program);
  registerAnalyticsCommand(program);
  registerModelCommand(program);
  registerGeoCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (!(err instanceof StartupError)) throw err;
    // What the operator must set, without a stack trace in the way.
    console.error(`beckon: ${err.message}`);
    process.exit(1);
  }
}
