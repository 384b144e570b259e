import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDuration, withProgress } from '../../src/parallel/progress.js';
import { InterruptedError } from '../../src/core/errors.js';
import { bundleScript } from '../helpers/bundle.js';

class Capture {
  text = '';
  isTTY = false;
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

describe('withProgress', () => {
  it('plain mode: a start line, throttled progress lines with counts, percent and ETA, a closing line', async () => {
    const out = new Capture();
    let t = 0;
    const result = await withProgress(
      'simulate',
      10,
      (p) => {
        for (let i = 0; i < 10; i++) {
          t += 1000;
          p.tick(1, `loss ${i}`);
        }
        return 42;
      },
      {
        stream: out as never,
        mode: 'plain',
        intervalMs: 2500,
        unit: 'spectra',
        now: () => t,
        handleSignals: false,
      },
    );
    expect(result).toBe(42);
    const lines = out.text.trim().split('\n');
    expect(lines[0]).toBe('simulate: 10 spectra to do');
    // 10 ticks 1 s apart with a 2.5 s interval: lines at t = 3, 6, 9 s.
    expect(lines.slice(1, -1)).toEqual([
      'simulate: 3/10 spectra (30 %), 3.0 s elapsed, ~7.0 s left, loss 2',
      'simulate: 6/10 spectra (60 %), 6.0 s elapsed, ~4.0 s left, loss 5',
      'simulate: 9/10 spectra (90 %), 9.0 s elapsed, ~1.0 s left, loss 8',
    ]);
    expect(lines.at(-1)).toBe('simulate: done, 10/10 spectra in 10 s');
  });

  it('quiet mode writes nothing', async () => {
    const out = new Capture();
    await withProgress('x', 3, (p) => p.tick(3), { stream: out as never, quiet: true, handleSignals: false });
    expect(out.text).toBe('');
  });

  it('an abort signal makes the next tick throw InterruptedError (exit code 130) and closes the reporter', async () => {
    const out = new Capture();
    const ac = new AbortController();
    const run = withProgress(
      'train',
      100,
      (p) => {
        for (let i = 0; i < 100; i++) {
          if (i === 5) ac.abort();
          p.tick();
        }
      },
      { stream: out as never, mode: 'plain', intervalMs: 1e9, signal: ac.signal, handleSignals: false },
    );
    const err = await run.catch((e) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err.exitCode).toBe(130);
    expect(out.text).toContain('train: stopped at 6/100');
  });

  it('formats durations as people read them', () => {
    expect(formatDuration(3.25)).toBe('3.3 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
  });
});

describe('Ctrl-C in a real process', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** Spawns the script, waits for 'started' on stdout, sends SIGINT, returns the exit code and stderr. */
  async function interrupt(script: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        if (String(d).includes('started')) resolve();
      });
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    return { code, stderr };
  }

  const SOURCE = `
import { withProgress } from './src/parallel/progress.ts';
import { withOutputDir } from './src/io/atomic.ts';
import { reportError } from './src/cli/program.ts';
const [target, staged] = process.argv.slice(2);
const work = (write?: (i: number) => void) =>
  withProgress('work', 10_000, async (p) => {
    for (let i = 0; i < 10_000; i++) {
      write?.(i);
      if (i === 3) process.stdout.write('started\\n');
      await new Promise((r) => setTimeout(r, 10));
      p.tick();
    }
  }, { mode: 'plain', intervalMs: 1e9 });
try {
  if (staged === 'staged') await withOutputDir(target, (out) => work((i) => out.write(\`part-\${i}.txt\`, 'x')));
  else await work();
  process.exitCode = 0;
} catch (err) {
  process.exitCode = reportError(err);
}
`;

  it('discards staged outputs and exits 130 (withOutputDir + withProgress)', async () => {
    const script = await bundleScript(SOURCE, 'interrupt');
    const parent = mkdtempSync(join(tmpdir(), 'livermrs-int-'));
    dirs.push(parent);
    const target = join(parent, 'out');
    const r = await interrupt(script, [target, 'staged']);
    expect(r.code).toBe(130);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(parent)).toEqual([]); // no staging directory left behind
  });

  it('stops the work at the next step, prints one line and exits 130 (withProgress alone)', async () => {
    const script = await bundleScript(SOURCE, 'interrupt');
    const r = await interrupt(script, ['unused', 'plain']);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('livermrs: interrupted; stopping after the current step');
    expect(r.stderr).toMatch(/work: stopped at \d+\/10000/);
    expect(r.stderr).toContain('livermrs: interrupted\n');
    expect(r.stderr).not.toContain('at '.concat('file:')); // no stack trace
  });
});
