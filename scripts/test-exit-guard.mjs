// Loaded into each test file's process by scripts/test.mjs, instead of `--test-force-exit`.
//
// Node's force exit ends a file's process before its last results reach the runner: a file's
// tail of tests could vanish from the report, with the run still green (nodejs/node#64833).
// This guard keeps what force exit was for. A file whose tests are done but whose process stays
// open (a server or timer left behind by a half-failed setup) ends 10 s later, with the exit code
// its tests set, and says so. The wait leaves the file's own last hooks (registered after this
// one) time to close what they opened; its results reach the runner long before it ends.
if (process.env.NODE_TEST_CONTEXT) {
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
