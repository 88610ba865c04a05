/** Why an experiment file or row set cannot be analysed; the message is one line meant for a user. */
export class StatsInputError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'StatsInputError';
    this.code = code;
  }
}
