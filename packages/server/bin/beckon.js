#!/usr/bin/env node
// The `beckon` command. TypeScript sources run through tsx; no build step for the server.
// Started by a test, it loads the sources through the test runner's loader instead
// (scripts/ts-loader.mjs, named in BECKON_TS_LOADER): the same compiled files every test process
// shares, at about half of tsx's start-up cost.
const testLoader = process.env.BECKON_TS_LOADER;
if (testLoader) await import(testLoader);
else (await import('tsx/esm/api')).register();
const { main } = await import('../src/cli/index.ts');
await main(process.argv);
