import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Supervisor } from './index';

function collect(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => (text += String(c)));
  return { out, text: () => text };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('prefixes output, restarts a process that dies, and stops everything it started', async () => {
  const { out, text } = collect();
  const sut = new Supervisor(
    [
      { name: 'steady', command: process.execPath, args: ['-e', 'console.log("hello"); setInterval(() => {}, 1000)'] },
      { name: 'crashy', command: process.execPath, args: ['-e', 'console.log("up"); setTimeout(() => process.exit(3), 100)'] },
    ],
    { out, backoffMs: 50, stopTimeoutMs: 2000 },
  );
  sut.start();
  let steadyPid: number | undefined;
  try {
    // A node process can take a second to start on a busy machine: wait for its output and the second restart.
    const ready = () => sut.restarts('crashy') >= 2 && /^steady \| hello$/m.test(text());
    for (const until = Date.now() + 20_000; !ready() && Date.now() < until; ) await wait(20);
    assert.match(text(), /^steady \| hello$/m);
    assert.match(text(), /^crashy \| exited \(code 3\)$/m);
    assert.ok(sut.restarts('crashy') >= 2, `restarted ${sut.restarts('crashy')} times`);
    assert.equal(sut.restarts('steady'), 0);
    steadyPid = sut.pid('steady');
  } finally {
    await sut.stop();
  }
  assert.throws(() => process.kill(steadyPid!, 0), /ESRCH/);
});

test('a process that ignores SIGTERM is killed after the grace period', async () => {
  const { out, text } = collect();
  const sut = new Supervisor(
    [{ name: 'stubborn', command: process.execPath, args: ['-e', 'process.on("SIGTERM", () => {}); console.log("deaf"); setInterval(() => {}, 1000)'] }],
    { out, stopTimeoutMs: 300 },
  );
  sut.start();
  // Stopped before it ignores SIGTERM, it would simply die.
  while (!text().includes('deaf')) await wait(20);
  const pid = sut.pid('stubborn')!;
  const started = Date.now();
  await sut.stop();
  assert.ok(Date.now() - started >= 250);
  assert.throws(() => process.kill(pid, 0), /ESRCH/);
});

test('a child stops on its own when the supervisor is killed outright', async () => {
  const stopOnSignalsModule = JSON.stringify(join(__dirname, 'stop-on-signals.js'));
  const child = `require(${stopOnSignalsModule}).stopOnSignals('child', async () => {}); console.log('pid ' + process.pid); setInterval(() => {}, 1000)`;
  const host = `const { Supervisor } = require(${JSON.stringify(join(__dirname, 'supervisor.js'))});
    new Supervisor([{ name: 'child', command: process.execPath, args: ['-e', ${JSON.stringify(child)}] }]).start();`;
  const supervisor = spawn(process.execPath, ['-e', host], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const childPid = await new Promise<number>((resolve, reject) => {
    supervisor.stdout.on('data', (c) => {
      output += String(c);
      const m = /pid (\d+)/.exec(output);
      if (m) resolve(Number(m[1]));
    });
    supervisor.once('exit', () => reject(new Error(`the supervisor exited early: ${output}`)));
  });
  supervisor.kill('SIGKILL');
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(childPid, 0);
    } catch {
      return;
    }
    await wait(100);
  }
  process.kill(childPid, 'SIGKILL');
  assert.fail('the child outlived its supervisor by 5 s');
});
