/**
 * The command line, the outer shell (no other folder imports it): main.ts is the `livermrs` binary,
 * program.ts builds the commander program, commands/ holds one module per subcommand, loaded when it runs so
 * that start-up stays fast; the fit and water–fat jobs are shared by the single and the batch path.
 */
export { buildProgram, reportError, runCli } from './program.js';
