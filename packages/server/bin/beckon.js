#!/usr/bin/env node
// The `beckon` command. TypeScript sources run through tsx; no build step for the server.
// Started by a test, it loads the sources through the test runner's loader instead
// (src/thread-loader.js): the same compiled files every test process shares, at about half of
// tsx's start-up cost.
import { registerTypeScript } from '../src/thread-loader.js';

await registerTypeScript();
const { main } = await import('../src/cli/index.ts');
await main(process.argv);
