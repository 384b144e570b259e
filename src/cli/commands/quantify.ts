import type { Command } from 'commander';
import { LivermrsError } from '../../core/errors.js';

/** `livermrs quantify` (placeholder until its issue lands). */
export function register(program: Command): void {
  program
    .command('quantify')
    .description('(not yet implemented)')
    .action(() => {
      throw new LivermrsError('quantify: not implemented yet');
    });
}
