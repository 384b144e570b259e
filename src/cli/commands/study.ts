import type { Command } from 'commander';
import { LivermrsError } from '../../core/errors.js';

/** `livermrs study` (placeholder until its issue lands). */
export function register(program: Command): void {
  program
    .command('study')
    .description('(not yet implemented)')
    .action(() => {
      throw new LivermrsError('study: not implemented yet');
    });
}
