// What the offline model commands share: the input-error type that exits with code 2, the runner that
// turns it into one line on stderr, where output goes, and integer option parsing.
import type { Command } from 'commander';

export const INPUT_ERROR_EXIT = 2;

/** A fault in the user's input (file, column, option): one line on stderr and exit code 2. */
export class ModelInputError extends Error {}

/** Runs a command body; an input error exits 2 with its message, anything else exits 1. */
export function run(command: Command, body: () => void): void {
  try {
    body();
  } catch (error) {
    const input = error instanceof ModelInputError;
    const message = error instanceof Error ? error.message : String(error);
    command.error(`error: ${input ? message : `unexpected failure: ${message}`}`, {
      exitCode: input ? INPUT_ERROR_EXIT : 1,
      code: input ? 'beckon.model.input' : 'beckon.model.failure',
    });
  }
}

/** Where the command's standard output goes (commander's output configuration, for tests). */
export function output(command: Command): (text: string) => void {
  return command.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));
}

/** An integer option within [min, max], or the fallback when absent. */
export function integerOption(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new ModelInputError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}
