/**
 * Typed errors. Every error a user can cause carries what they need to fix it: the file, the field and what
 * was expected. The CLI prints `message` on one line and exits with `exitCode`; nothing prints a stack trace.
 *
 * Exit codes (consistent across all subcommands): 0 success, 1 failure while running (numerical failure,
 * I/O failure, interrupted), 2 usage or input error (bad argument, bad or unreadable input file).
 */
export class LivermrsError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad command-line usage: unknown option, out-of-range value, conflicting options. */
export class UsageError extends LivermrsError {
  override readonly exitCode = 2;
}

export interface InputErrorDetails {
  /** The file (or other named source such as a built-in cohort) the bad value came from. */
  file?: string;
  /** The field, key or position inside that file, e.g. `groups.hbv-lc.components.Cho.sd` or `line 12`. */
  field?: string;
  /** What was expected, in words: `a positive number`, `complex64 data`. */
  expected?: string;
}

/**
 * Bad input data: a file that is malformed, truncated, of an unsupported variant, or inconsistent with
 * another input. The message is composed as `file: field: problem (expected ...)`.
 */
export class InputError extends LivermrsError {
  override readonly exitCode = 2;
  readonly file?: string;
  readonly field?: string;
  readonly expected?: string;
  constructor(problem: string, details: InputErrorDetails = {}, options?: { cause?: unknown }) {
    super(composeInputMessage(problem, details), options);
    this.file = details.file;
    this.field = details.field;
    this.expected = details.expected;
  }
}

function composeInputMessage(problem: string, d: InputErrorDetails): string {
  const where = [d.file, d.field].filter((s) => s !== undefined && s !== '').join(': ');
  const expected = d.expected ? ` (expected ${d.expected})` : '';
  return `${where ? `${where}: ` : ''}${problem}${expected}`;
}

/** A numerical procedure failed to produce a usable result (diverged, singular system, NaN). */
export class NumericalError extends LivermrsError {}

/** The user interrupted a long job (Ctrl-C). Partial outputs have been removed. */
export class InterruptedError extends LivermrsError {
  override readonly exitCode = 130;
}

/**
 * A failure already reported to the user (e.g. by a child process that printed its own message): the CLI exits
 * with `exitCode` and prints nothing more.
 */
export class ReportedError extends LivermrsError {
  override readonly exitCode: number;
  constructor(exitCode: number) {
    super(`exit code ${exitCode}`);
    this.exitCode = exitCode;
  }
}
