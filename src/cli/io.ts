/**
 * The CLI's window on the outside world, injectable so commands run in-process in tests.
 * Results go to `stdout`; summaries, warnings and progress to `stderr`.
 */
import { EXIT, reportError, stdoutWriteError } from './errors.js';

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

/** Set once writing to the process's stdout failed (a full disk, a closed file): the run has failed whatever it returns. */
let stdoutFailed = false;
let streamsWatched = false;

/** True once a write of results to the process's stdout failed; the error was already printed. */
export function stdoutWriteFailed(): boolean {
  return stdoutFailed;
}

/**
 * Watches the process's stdout and stderr for write errors, which Node reports as an 'error' event (on a file, a
 * pipe or a terminal alike) and which would otherwise end the process with a stack trace. On stdout, a reader that
 * went away (EPIPE: `policy-trim … | head`) only ends the output; any other failure (ENOSPC on a full disk) is
 * printed once, as an error, and makes the exit code 1: results that were not written must not look like success.
 */
function watchOutputStreams(): void {
  if (streamsWatched) return;
  streamsWatched = true;
  // stderr carries only logs, warnings and progress: when it cannot be written (`2>&1 | head`, a full disk) there
  // is nowhere left to say so, and the results on stdout are no less right; the run goes on and keeps its exit code.
  process.stderr.on('error', () => undefined);
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || stdoutFailed) return;
    stdoutFailed = true;
    process.exitCode = EXIT.ERROR;
    reportError(stdoutWriteError(err), { stderr: (t) => void process.stderr.write(t) }, false);
  });
}

/** The real process's IO. */
export function processIo(): CliIo {
  watchOutputStreams();
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
