import { parseArgs, type ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;
/** What `parseArgs` gives a command with these options (positionals allowed). */
export type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true }>>;

/**
 * One CLI command: its name, usage (the synopsis after the name, and what it does), its flags and its
 * handler. `--help` is generated from the table, so a command's flags and its help cannot drift apart.
 */
export interface Command<O extends Options = Options> {
  name: string;
  /** Arguments and flags as `--help` shows them after the name, e.g. `<model> [--json]`. */
  synopsis: string;
  /** What it does, in a few lines (indented in `--help`). */
  about: string;
  options: O;
  /** Runs the command; returns the exit code. */
  run(args: Parsed<O>): Promise<number> | number;
}

/** Keeps each command's option types for its handler. */
export function command<const O extends Options>(c: Command<O>): Command<O> {
  return c;
}

const WIDTH = 104;

/** `words` wrapped into lines of at most WIDTH characters (a `[...]` group never split), continuation lines indented by `indent`. */
function wrap(first: string, words: string, indent: string): string[] {
  const out: string[] = [];
  let line = first;
  for (const w of words.split(/\s+(?![^[]*\])/).filter(Boolean)) {
    if (line.trim() && line.length + 1 + w.length > WIDTH) {
      out.push(line);
      line = indent + w;
    } else line = line.trim() ? `${line} ${w}` : `${line}${w}`;
  }
  if (line.trim()) out.push(line);
  return out;
}

/** The `--help` text: an introduction, then every command's synopsis and what it does. */
export function usage(intro: string, commands: readonly Command[]): string {
  const entries = commands.map((c) => [...wrap(`  ${c.name}`, c.synopsis, '       '), ...c.about.trim().split('\n').map((l) => `      ${l.trim()}`)].join('\n'));
  return `usage: ko-classify <command> [options]\n\n${intro.trim()}\n\ncommands:\n${entries.join('\n')}\n  help, -h, --help\n      this text\n`;
}

/** Runs `argv` through the table; the help text for no command or help, exit 1 for an unknown one. */
export async function dispatch(commands: readonly Command[], help: string, argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '-h' || name === '--help') {
    console.log(help);
    return name ? 0 : 1;
  }
  const c = commands.find((x) => x.name === name);
  if (!c) {
    console.error(`unknown command "${name}"\n\n${help}`);
    return 1;
  }
  return c.run(parseArgs({ args, allowPositionals: true, options: c.options }) as Parsed<Options>);
}
