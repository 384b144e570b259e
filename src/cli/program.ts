import { Command, CommanderError } from 'commander';
import { LivermrsError, ReportedError } from '../core/errors.js';
import { LIVERMRS_VERSION } from '../core/version.js';
import { registerAll } from './commands/index.js';

/** Build the `livermrs` command tree. Commands are thin: parse options, call the library, write outputs. */
export function buildProgram(): Command {
  const program = new Command('livermrs')
    .description(
      'Liver 1H-MRS toolkit: spin-physics basis simulation, NLLS fitting with CRLB, qCNN quantification and ' +
        'cCNN classification of cirrhosis with and without HCC (Bae et al., MRMS 2025).',
    )
    .version(LIVERMRS_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true });
  registerAll(program);
  // Usage errors from commander exit with 2, like our own UsageError.
  program.exitOverride();
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Run the CLI; returns the process exit code (0 ok, 1 failure, 2 usage or input error). */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return reportError(err);
  }
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    if (
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.version' ||
      err.code === 'commander.help'
    ) {
      return 0;
    }
    return 2; // commander already printed the message
  }
  if (err instanceof ReportedError) return err.exitCode;
  if (err instanceof LivermrsError) {
    process.stderr.write(`livermrs: ${err.message}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`livermrs: internal error: ${e?.message ?? String(err)}\n`);
  if (process.env.LIVERMRS_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  return 1;
}
