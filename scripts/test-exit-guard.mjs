// Loaded into each test file's process by scripts/test.mjs, instead of `--test-force-exit`.
//
// Node's force exit ends a file's process before its last results reach the runner: a file's
// tail of tests could vanish from the report, with the run still green (nodejs/node#64833).
// This guard keeps what force exit was for. A file whose tests are done but whose process stays
// open (a server or timer left behind by a half-failed setup) ends 10 s later, with the exit code
// its tests set, and says so. The wait leaves the file's own last hooks (registered after this
// one) time to close what they opened; its results reach the runner long before it ends.
// Worker threads (the store's writer and report threads) load this module too; only a test file's
// main thread has tests, and a worker that imported node:test would set up a test harness of its own.
const { isMainThread } = await import('node:worker_threads');

// Node 20's test harness tracks every promise a test process makes (an async hook with a destroy
// callback) to know which test a new test, hook or error belongs to. A file's suites need that
// while its module loads: that is how a grouped file's declarations find its suite
// (test-group.mjs). Once a group's files are all loaded, the tracking costs about a seventh of
// the process's CPU (each promise's creation and collection) and finds nothing new: the group
// turns it off (`globalThis[Symbol.for('beckon.testHarnessHook')]`). An uncaught error or an
// unhandled rejection in a test still fails that test (tried with both).
if (process.env.NODE_TEST_CONTEXT && isMainThread) {
  const asyncHooks = (await import('node:async_hooks')).default;
  const create = asyncHooks.createHook;
  asyncHooks.createHook = function createHook(callbacks) {
    const hook = create.call(this, callbacks);
    if (new Error().stack?.includes('internal/test_runner/harness')) {
      globalThis[Symbol.for('beckon.testHarnessHook')] = hook;
      asyncHooks.createHook = create;
    }
    return hook;
  };
}
if (process.env.NODE_TEST_CONTEXT && isMainThread) {
  const { after } = await import('node:test');
  after(() => {
    setTimeout(() => {
      process.stderr.write(
        `${process.argv[1]}: its tests are done but something keeps the process open; ending it\n`,
      );
      process.exit();
    }, 10_000).unref();
  });
}

// Each file's wall time, from its process's start to its exit, for scripts/test.mjs's timing
// report, and the CPU time it used with the processes it started and waited for (its servers,
// Chromium): on a busy machine the wall times stretch, the CPU times much less. Measured here, not in the runner: the runner reports a file's results in order, so a
// file that ran beside a slower one would look as slow as both.
// Only a test file's own main thread reports: servers and workers it starts load this guard too.
const timingsDir = process.env.BECKON_TEST_TIMINGS_DIR;
if (
  process.env.NODE_TEST_CONTEXT &&
  timingsDir &&
  isMainThread &&
  /\.test\.[cm]?[jt]s$/.test(process.argv[1] ?? '')
) {
  const { cpuSeconds, writeTimingRow } = await import('./test-timing.mjs');
  const file = process.argv[1] ?? 'unknown';
  process.on('exit', () => {
    writeTimingRow(timingsDir, { file, seconds: process.uptime(), cpuSeconds: cpuSeconds() });
  });
}
