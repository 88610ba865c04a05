import pino, { type Logger } from 'pino';

/** JSON lines for machines, pretty output in a terminal; every line names its component. */
export function createLogger(level: string, pretty: boolean): Logger {
  return pino({
    level,
    base: { service: 'beckon' },
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'password'], remove: true },
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } }
      : {}),
  });
}

export type { Logger };
