import type { Command } from 'commander';
import { LivermrsError } from '../../core/errors.js';

/** `livermrs simulate` (placeholder until its issue lands). */
export function register(program: Command): void {
  program
    .command('simulate')
    .description('(not yet implemented)')
    .action(() => {
      throw new LivermrsError('simulate: not implemented yet');
    });
}
