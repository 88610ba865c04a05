import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { threadExecArgv } from '../src/thread-argv.ts';
import { type NodeProcess, startNodeProcess } from './helpers/node-process.ts';

describe('a node started with V8 settings on its command line', () => {
  let node: NodeProcess | undefined;
  after(async () => node?.stop());

  it('starts its store’s threads and serves (a worker refuses V8 settings: they stay with the process)', async () => {
    // The memory settings an operator gives a node; each one, passed on to a worker, stopped it starting.
    node = await startNodeProcess({
      name: 'v8-flags',
      nodeArgs: ['--max-old-space-size=768', '--max-semi-space-size=32', '--stack-size=2000'],
    });
    assert.equal((await node.readyz()).status, 200);
    // The SQLite file's threads run: the checkpointer reports to the metrics.
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    assert.match(metrics, /beckon_sqlite_statements_held_seconds/);
    assert.deepEqual(node.crashLines(), []);
  });

  it('passes a thread the loaders, resolution, warnings and profiles, never a TypeScript loader', () => {
    assert.deepEqual(
      threadExecArgv([
        '--max-old-space-size=768',
        '--import',
        '/srv/otel.mjs',
        '--import',
        'tsx',
        '--import=file:///x/ts-loader.mjs',
        '--title=beckon',
        '-C',
        'production',
        '--enable-source-maps',
        '--inspect=9229',
        '--cpu-prof',
        '--cpu-prof-dir=/tmp/p',
        '--expose-gc',
      ]),
      [
        '--import',
        '/srv/otel.mjs',
        '-C',
        'production',
        '--enable-source-maps',
        '--cpu-prof',
        '--cpu-prof-dir=/tmp/p',
      ],
    );
  });
});
