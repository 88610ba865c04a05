import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type Command, CommanderError } from 'commander';
import { buildProgram } from '../src/cli/index.ts';
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

/** Runs `beckon <args>` in process for its help: output captured, commander's exit code answered. */
async function helpOf(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const program = buildProgram();
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const c of all(program))
    c.exitOverride().configureOutput({ writeOut: (t) => (stdout += t), writeErr: (t) => (stderr += t) });
  try {
    await program.parseAsync(args, { from: 'user' });
    return { exitCode: 0, stdout, stderr };
  } catch (err) {
    if (err instanceof CommanderError) return { exitCode: err.exitCode, stdout, stderr };
    throw err;
  }
}

// These tests exercise the embedded store on purpose (the CLI's default).
const env = (dir: string) => ({ BECKON_DATA_DIR: dir, DATABASE_URL: '' });

/** The first line an SMTP server at `port` says. */
function greeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('data', (d) => {
      resolve(d.toString());
      socket.end('QUIT\r\n');
    });
    socket.once('error', reject);
  });
}

describe('beckon CLI', () => {
  it('prints help for every command', async () => {
    // In process: the help is commander's output of the same program the binary builds. One real
    // process below checks what only a process shows, the exit codes.
    for (const args of [
      ['serve', '--help'],
      ['demo', '--help'],
      ['migrate', '--help'],
      ['user', 'add', '--help'],
      ['user', 'reset-password', '--help'],
    ]) {
      const r = await helpOf(args);
      assert.equal(r.exitCode, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /Usage: beckon/);
    }
    const help = runCli(['--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /Usage: beckon/);
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
    const children: ChildProcess[] = [];
    try {
      // The first start writes a month of history (12 s on a quiet machine, over a minute in a loaded CI run).
      const first = await startCli(
        ['demo', '--port', port, '--host', '127.0.0.1'],
        env(dir),
        /API docs/,
        180_000,
      );
      children.push(first.child);
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
      // Newsletter subscribers in a saved segment: someone for a broadcast to reach.
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const segments = await fetch(`http://127.0.0.1:${port}/api/v1/segments`, { headers: { cookie } });
      const items = ((await segments.json()) as { items: { name: string; count: number }[] }).items;
      assert.deepEqual(
        items.filter((s) => s.name === 'Newsletter subscribers').map((s) => s.count),
        [12],
        JSON.stringify(items),
      );
      const started = Date.now();
      first.child.kill('SIGTERM');
      assert.equal(await exitOf(first.child), 0);
      assert.ok(Date.now() - started < 10_000);

      // Another program has the demo's mail port: the demo starts anyway, on a free one it names.
      const other = createServer();
      await new Promise<void>((resolve) => {
        other.once('error', () => resolve()); // taken already: busy all the same
        other.listen(2525, '127.0.0.1', () => resolve());
      });
      try {
        const second = await startCli(['demo', '--port', port, '--host', '127.0.0.1'], env(dir), /API docs/);
        children.push(second.child);
        assert.equal(
          /owner\s+admin@demo\.beckon\.local\s+(\S+)/.exec(second.output())?.[1],
          password,
          'same logins on the second run',
        );
        const mailPort = Number(/E-mail in\s+smtp:\/\/127\.0\.0\.1:(\d+)/.exec(second.output())?.[1]);
        assert.ok(mailPort > 0 && mailPort !== 2525, second.output());
        assert.match(second.output(), /mail port is taken/);
        assert.match(await greeting(mailPort), /^220 /);
        second.child.kill('SIGINT');
        assert.equal(await exitOf(second.child), 0);
      } finally {
        other.close();
      }
    } finally {
      // A failed assertion leaves no demo running to hold its ports.
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }
  });
});
