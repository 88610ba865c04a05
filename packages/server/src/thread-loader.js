// How a process or thread of ours loads the server's TypeScript. Plain JavaScript, so it runs
// however the process was launched. Started under the test runner, it takes the runner's loader
// (scripts/ts-loader.mjs, named in BECKON_TS_LOADER): the compiled files every test process
// shares and the libraries' bundles. A thread that registered tsx instead compiled the store's
// modules again and loaded kysely's 260 modules one by one: about 3 to 6 s of CPU for each events
// writer a test server started, against about 1 s. Otherwise, tsx.
export async function registerTypeScript() {
  const testLoader = process.env.BECKON_TS_LOADER;
  if (testLoader) await import(testLoader);
  else (await import('tsx/esm/api')).register();
}
