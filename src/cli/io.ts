/**
 * The CLI's window on the outside world, injectable so commands run in-process in tests.
 * Results go to `stdout`; summaries, warnings and progress to `stderr`.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is an interactive terminal and not CI: only then are progress bars drawn. */
  interactive: boolean;
  env: Record<string, string | undefined>;
  /** The clock, injectable for deterministic tests. */
  now(): Date;
}

/** The real process's IO. */
export function processIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
    env: process.env,
    now: () => new Date(),
  };
}
