// A test reporter that counts each file's tests (suites not counted) and writes one JSON
// object, { [file]: { tests, failed, skipped } }, when the run ends. scripts/test.mjs joins it with the
// files' wall times into test-results/timings.json.
export default async function* countReporter(source) {
  const counts = {};
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { file, details } = event.data;
    // The wrapper the runner makes for a file that failed outside its tests is named after the file.
    if (!file || details?.type === 'suite' || event.data.name === file) continue;
    counts[file] ??= { tests: 0, failed: 0, skipped: 0 };
    const c = counts[file];
    c.tests += 1;
    if (event.type === 'test:fail') c.failed += 1;
    else if (event.data.skip !== undefined || event.data.todo !== undefined) c.skipped += 1;
  }
  yield JSON.stringify(counts);
}
