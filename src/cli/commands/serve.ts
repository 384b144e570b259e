import type { Command } from 'commander';
import { LivermrsError } from '../../core/errors.js';

/** `livermrs serve` (placeholder until its issue lands). */
export function register(program: Command): void {
  program
    .command('serve')
    .description('(not yet implemented)')
    .action(() => {
      throw new LivermrsError('serve: not implemented yet');
    });
}
