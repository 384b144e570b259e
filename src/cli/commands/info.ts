import type { Command } from 'commander';
import { LivermrsError } from '../../core/errors.js';

/** `livermrs info` (placeholder until its issue lands). */
export function register(program: Command): void {
  program
    .command('info')
    .description('(not yet implemented)')
    .action(() => {
      throw new LivermrsError('info: not implemented yet');
    });
}
