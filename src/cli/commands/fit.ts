import type { Command } from 'commander';
import { LivermrsError } from '../../core/errors.js';

/** `livermrs fit` (placeholder until its issue lands). */
export function register(program: Command): void {
  program
    .command('fit')
    .description('(not yet implemented)')
    .action(() => {
      throw new LivermrsError('fit: not implemented yet');
    });
}
