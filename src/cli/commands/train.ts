import type { Command } from 'commander';
import { LivermrsError } from '../../core/errors.js';

/** `livermrs train` (placeholder until its issue lands). */
export function register(program: Command): void {
  program
    .command('train')
    .description('(not yet implemented)')
    .action(() => {
      throw new LivermrsError('train: not implemented yet');
    });
}
