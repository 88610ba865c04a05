// `node --import tsx e2e/helpers/shared-browser.ts`: the Chromium that scripts/test.mjs starts
// once for every e2e file of a run (see launchBrowser). Prints its WebSocket endpoint as one line,
// then serves until its standard input closes (the runner ended), and closes the browser.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browser.ts';

const server = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
process.stdout.write(`${server.wsEndpoint()}\n`);
const stop = () => void server.close().finally(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
