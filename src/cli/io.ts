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
  /**
   * Calls `handler` on the first interrupt (Ctrl-C) until the returned function is called; a second interrupt
   * ends the process as usual. Absent where nothing can interrupt (the GitHub Action, tests that do not).
   */
  onInterrupt?(handler: () => void): () => void;
}

/** The real process's IO. */
export function processIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
    env: process.env,
    now: () => new Date(),
    onInterrupt(handler) {
      // `once`: the handler runs on the first Ctrl-C; with it gone, a second one ends the process as usual.
      process.once('SIGINT', handler);
      return () => void process.removeListener('SIGINT', handler);
    },
  };
}
