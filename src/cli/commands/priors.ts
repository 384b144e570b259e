import type { Command } from 'commander';
import { LivermrsError } from '../../core/errors.js';

/** `livermrs priors` (placeholder until its issue lands). */
export function register(program: Command): void {
  program
    .command('priors')
    .description('(not yet implemented)')
    .action(() => {
      throw new LivermrsError('priors: not implemented yet');
    });
}
