import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { exitOf, runCli, startCli } from './helpers/cli.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'beckon-cli-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// These tests exercise the embedded store on purpose (the CLI's default).
const env = (dir: string) => ({ BECKON_DATA_DIR: dir, DATABASE_URL: '' });

describe('beckon CLI', () => {
  it('prints help for every command', () => {
    for (const args of [
      ['--help'],
      ['serve', '--help'],
      ['demo', '--help'],
      ['migrate', '--help'],
      ['user', 'add', '--help'],
      ['user', 'reset-password', '--help'],
    ]) {
      const r = runCli(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /Usage: beckon/);
    }
    const bad = runCli(['no-such-command']);
    assert.equal(bad.code, 2);
  });

  it('migrates, adds a user, refuses bad input, and resets a password', () => {
    const dir = tempDir();
    assert.equal(runCli(['migrate'], env(dir)).code, 0);
    const added = runCli(
      [
        'user',
        'add',
        '--email',
        'boss@shop.example',
        '--name',
        'Boss',
        '--new-account',
        'Shop',
        '--password',
        'boss-password',
      ],
      env(dir),
    );
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /created owner boss@shop\.example/);
    const dup = runCli(['user', 'add', '--email', 'boss@shop.example', '--name', 'Again'], env(dir));
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /already exists/);
    assert.equal(
      runCli(['user', 'add', '--email', 'x@y.z', '--name', 'X', '--role', 'king'], env(dir)).code,
      2,
    );
    const reset = runCli(['user', 'reset-password', 'boss@shop.example'], env(dir));
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /password: [0-9a-z]{14}/);
    assert.equal(runCli(['user', 'reset-password', 'ghost@shop.example'], env(dir)).code, 2);
  });

  it('demo: prints console, store and logins; a second start reuses the data; SIGTERM stops it cleanly', async () => {
    const dir = tempDir();
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const first = await startCli(['demo', '--port', port, '--host', '127.0.0.1'], env(dir), /API docs/);
    const out = first.output();
    assert.match(out, new RegExp(`Console\\s+http://localhost:${port}/console/`));
    assert.match(out, new RegExp(`Demo store\\s+http://localhost:${port}/demo/`));
    const password = /owner\s+admin@demo\.beckon\.local\s+(\S+)/.exec(out)?.[1];
    assert.ok(password, out);
    assert.equal(statSync(join(dir, 'demo-logins.json')).mode & 0o777, 0o600);
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@demo.beckon.local', password }),
    });
    assert.equal(login.status, 200);
    const started = Date.now();
    first.child.kill('SIGTERM');
    assert.equal(await exitOf(first.child), 0);
    assert.ok(Date.now() - started < 10_000);

    const second = await startCli(['demo', '--port', port, '--host', '127.0.0.1'], env(dir), /API docs/);
    assert.equal(
      /owner\s+admin@demo\.beckon\.local\s+(\S+)/.exec(second.output())?.[1],
      password,
      'same logins on the second run',
    );
    second.child.kill('SIGINT');
    assert.equal(await exitOf(second.child), 0);
  });
});
