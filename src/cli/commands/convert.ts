import type { Command } from 'commander';
import { LivermrsError } from '../../core/errors.js';

/** `livermrs convert` (placeholder until its issue lands). */
export function register(program: Command): void {
  program
    .command('convert')
    .description('(not yet implemented)')
    .action(() => {
      throw new LivermrsError('convert: not implemented yet');
    });
}
