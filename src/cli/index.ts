/**
 * The command line, the outer shell (no other folder imports it): main.ts is the `livermrs` binary,
 * program.ts builds the commander program, commands/ holds one module per subcommand, loaded when it runs so
 * that start-up stays fast. Commands parse options, call the library and print: the work, its checks of option
 * combinations, its choices and defaults live in the library folders.
 */
export { buildProgram, reportError, runCli } from './program.js';
