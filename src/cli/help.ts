import type { Command } from 'commander';

/**
 * Adds an "Examples:" block after a subcommand's --help. Every subcommand has at least one
 * (test/cli/help.test.ts checks it). Each example is a full command line, optionally with a comment.
 */
export function addExamples(cmd: Command, examples: readonly (string | [string, string])[]): Command {
  const lines = examples.map((e) => (typeof e === 'string' ? `  $ ${e}` : `  $ ${e[0]}\n      ${e[1]}`));
  return cmd.addHelpText('after', `\nExamples:\n${lines.join('\n')}\n`);
}
