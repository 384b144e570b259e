import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Captures what each test writes to stdout and stderr (CLI tests that call runCli in-process): call once at the
 * top of a test file and read `io.out` / `io.err`; both are reset before every test.
 */
export function captureStdio(): { out: string; err: string } {
  const io = { out: '', err: '' };
  beforeEach(() => {
    io.out = '';
    io.err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      io.out += String(s);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      io.err += String(s);
      return true;
    });
  });
  afterEach(() => vi.restoreAllMocks());
  return io;
}
