import type { Command } from 'commander';
import { LivermrsError } from '../../core/errors.js';

/** `livermrs bench` (placeholder until its issue lands). */
export function register(program: Command): void {
  program
    .command('bench')
    .description('(not yet implemented)')
    .action(() => {
      throw new LivermrsError('bench: not implemented yet');
    });
}
