import type { Command } from 'commander';
import { LivermrsError } from '../../core/errors.js';

/** `livermrs classify` (placeholder until its issue lands). */
export function register(program: Command): void {
  program
    .command('classify')
    .description('(not yet implemented)')
    .action(() => {
      throw new LivermrsError('classify: not implemented yet');
    });
}
