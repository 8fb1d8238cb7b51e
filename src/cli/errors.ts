/**
 * The CLI's errors and their printer. Every error policy-trim throws on purpose is a {@link PolicyTrimError}
 * (core/errors.ts) and is printed from its fields; `CliError` is the one the shell itself throws.
 */
import { ERROR_EXIT, PolicyTrimError, type ErrorExitCode } from '../core/errors.js';
import { forTerminal } from '../core/render/escape.js';

export { PolicyTrimError } from '../core/errors.js';

/** Exit codes (README "Exit codes"). */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** An error: bad input file, AWS error, internal error. */
  ERROR: ERROR_EXIT.ERROR,
  /** Findings when the user asked to gate on them (`--fail-on`). */
  FINDINGS: 2,
  /** Usage error: unknown option, missing argument, conflicting options (BSD sysexits EX_USAGE). */
  USAGE: ERROR_EXIT.USAGE,
} as const;

/** An error meant for a person: what went wrong (naming the file, event or permission) and what to do next. */
export class CliError extends PolicyTrimError {
  constructor(
    /** Stable machine-readable code, e.g. `policy-file-invalid`. */
    code: string,
    message: string,
    /** What to do next. */
    hint?: string,
    exitCode: ErrorExitCode = EXIT.ERROR,
  ) {
    super({ code, message, hint, exitCode, source: 'user' });
  }
}

/** What to do about a usage error when the call site has nothing more specific to say. */
const USAGE_HINT = 'Run `policy-trim --help`, or `policy-trim COMMAND --help`, for the commands and their options.';

/** A usage error (exit 64); without a hint of its own it points to `--help`. */
export function usageError(message: string, hint: string = USAGE_HINT): CliError {
  return new CliError('usage', message, hint, EXIT.USAGE);
}

/** Where errors are printed: the stderr half of the CLI's IO (`io.ts`), which also prints through here. */
export interface ErrorOutput {
  stderr(text: string): void;
}

/** What a person can do about a bug: report it, with the stack when asked for. */
const REPORT_BUG = 'this is a bug: please report it with the command you ran (rerun with --debug for the stack).';

/**
 * Print an error for a person and return the exit code. A {@link PolicyTrimError} is printed from its fields —
 * code, message, what to do — and only one whose `source` is `tool` is called a bug. Anything else reaching
 * here was not anticipated, so it is "unexpected … this is a bug". The stack is shown only with `--debug`.
 * Messages name files, events and ARNs from logs and policies: every field is escaped with `forTerminal`.
 */
export function reportError(err: unknown, io: ErrorOutput, debug: boolean): number {
  if (err instanceof PolicyTrimError) {
    const kind = err.source === 'tool' ? 'internal error' : 'error';
    io.stderr(`policy-trim: ${kind} [${forTerminal(err.code)}]: ${forTerminal(err.message)}\n`);
    if (err.hint) io.stderr(`  what to do: ${forTerminal(err.hint)}\n`);
    if (err.source === 'tool') io.stderr(`  ${REPORT_BUG}\n`);
    if (debug) printStack(err, io);
    return err.exitCode;
  }
  const e = err as { message?: unknown } | null | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const system = machineProblemOf(err);
  if (system) {
    io.stderr(`policy-trim: error [system-${forTerminal(system.code)}]: ${forTerminal(message)}\n`);
    io.stderr(`  what to do: ${system.hint}\n`);
    if (debug) printStack(err, io);
    return EXIT.ERROR;
  }
  io.stderr(`policy-trim: unexpected error: ${forTerminal(message)}\n`);
  io.stderr(`  ${REPORT_BUG}\n`);
  if (debug) printStack(err, io);
  return EXIT.ERROR;
}

/** The error of results that could not be written to stdout (`cause`: the write's error). */
export function stdoutWriteError(cause: NodeJS.ErrnoException): PolicyTrimError {
  const full = cause.code === 'ENOSPC' || cause.code === 'EDQUOT';
  const hint = full
    ? 'The disk that standard output is redirected to is full: free space there, or redirect the output elsewhere, then run again.'
    : 'Check where standard output goes (the file or the program it is redirected to), then run again.';
  return new PolicyTrimError({ code: 'stdout-write-failed', message: `the results could not be written to standard output: ${cause.message}`, hint, cause });
}

/**
 * What to do about an operating-system error that no code path anticipated but that says something about the
 * machine, not about policy-trim (a full disk while writing a report, the usage store or the duplicate check's
 * spill files; a folder without permission; too many open files). Node's system errors carry the errno name as
 * `code` and the failed call as `syscall` (Node.js docs, "Errors: Class: SystemError"). Other codes stay
 * "unexpected … this is a bug".
 */
const MACHINE_PROBLEMS: Readonly<Record<string, string>> = {
  ENOSPC: 'The disk is full. Free some space; policy-trim writes temporary files under TMPDIR (the system\'s temporary folder) and its usage store under the user cache folder or --store DIR, so either may be pointed at a larger disk.',
  EDQUOT: 'A disk quota is exhausted. Free some space, or point TMPDIR or --store DIR at a folder with room.',
  EACCES: 'Permission denied on the file or folder named. Check its permissions, or choose another path (--out, --store DIR, TMPDIR).',
  EPERM: 'The operation is not permitted on the file or folder named. Check its permissions and attributes, or choose another path.',
  EROFS: 'The file system is read-only. Choose a writable path (--out, --store DIR, TMPDIR).',
  EMFILE: 'Too many open files for this process. Raise the limit (`ulimit -n`), or read with fewer jobs (--jobs 1).',
  ENFILE: 'The system has too many open files. Close other programs or raise the system limit, then run again.',
  EIO: 'The disk reported an input/output error on the file named. Check the disk, or copy the input elsewhere and run again.',
};

function machineProblemOf(err: unknown): { code: string; hint: string } | undefined {
  if (!(err instanceof Error)) return undefined;
  const { code, syscall } = err as { code?: unknown; syscall?: unknown };
  if (typeof code !== 'string' || typeof syscall !== 'string') return undefined;
  const hint = Object.hasOwn(MACHINE_PROBLEMS, code) ? MACHINE_PROBLEMS[code] : undefined;
  return hint ? { code, hint } : undefined;
}

/** The stack, then each `cause`'s (an AWS SDK error behind an AwsAdapterError says most under --debug). */
function printStack(err: unknown, io: ErrorOutput): void {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    // The message may hold line breaks of its own (a file or event name): escape it whole, then the frames.
    const stack = e.stack ?? '';
    const at = e.message ? stack.indexOf(e.message) : -1;
    const frames = at >= 0 ? stack.slice(at + e.message.length) : stack.slice(stack.indexOf('\n') + 1 || stack.length);
    const lines = [`${e === err ? '' : 'caused by: '}${e.name}: ${e.message}`, ...frames.split('\n').filter((l) => l.trim() !== '')];
    io.stderr(lines.map((l) => forTerminal(l) + '\n').join(''));
  }
}
