import type { Command } from 'commander';
import { LivermrsError } from '../../core/errors.js';

/** `livermrs basis` (placeholder until its issue lands). */
export function register(program: Command): void {
  program
    .command('basis')
    .description('(not yet implemented)')
    .action(() => {
      throw new LivermrsError('basis: not implemented yet');
    });
}
