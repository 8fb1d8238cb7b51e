import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

/** Result of running the CLI in-process. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `policy-trim ARGS` in-process with captured output and a fixed clock (or `opts.clock`), as a non-terminal unless `opts.interactive`. */
export async function runCli(
  args: string[],
  now = new Date('2026-11-23T00:00:00Z'),
  env: Record<string, string | undefined> = {},
  opts: { interactive?: boolean; clock?: () => Date } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    interactive: opts.interactive ?? false,
    env,
    now: opts.clock ?? (() => now),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
