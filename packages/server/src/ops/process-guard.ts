import type { Logger } from '../logger.ts';
import type { Metrics } from './metrics.ts';

export type ProcessFault = 'unhandled_rejection' | 'uncaught_exception';

/**
 * Keeps a serving node alive through a failure nothing handled, and makes it loud. Every failure
 * of a dependency must be handled where it happens (a state, not a crash); one that reaches the
 * process is a bug. It is logged at `fatal` with `bug: true`, counted in
 * `beckon_process_faults_total`, and the node goes on serving the sockets it holds — one
 * unhandled promise must not drop every visitor and agent on the node. Only the CLI installs it:
 * tests keep Node's default, so an unhandled rejection fails the test that caused it.
 */
export function installProcessGuard(log: Logger, metrics: Metrics): () => void {
  const report = (kind: ProcessFault, err: unknown) => {
    metrics.processFaults.inc({ kind });
    log.fatal({ component: 'process', bug: true, kind, err }, `${kind.replace('_', ' ')} (a bug: report it)`);
  };
  const onRejection = (reason: unknown) => report('unhandled_rejection', reason);
  const onException = (err: Error) => report('uncaught_exception', err);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
