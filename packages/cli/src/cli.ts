import { dispatch, usage, type Command } from './command-table.js';
import { COMMANDS, INTRO } from './commands.js';

export { formatSummary } from './classify/entry.js';

/** The `--help` text, generated from the command table. */
export const USAGE = usage(INTRO, COMMANDS);

/** Every command's flags, by command (the table's; kept for callers of the earlier export). */
export const OPTIONS: Record<string, Command['options']> = Object.fromEntries(COMMANDS.map((c) => [c.name, c.options]));

/** Runs one CLI command; returns the exit code. */
export function main(argv: string[]): Promise<number> {
  return dispatch(COMMANDS, USAGE, argv);
}
