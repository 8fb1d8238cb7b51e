/**
 * Results that cannot be written to stdout: a full disk is an error with exit code 1 and a sentence saying
 * what to do (not a Node stack trace, not exit 0); a reader that goes away (`| head`) only ends the output.
 * Real processes, real file descriptors: /dev/full refuses every write with ENOSPC.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'policy-trim');
const EXAMPLE = [
  'suggest',
  '--role',
  'arn:aws:iam::123456789012:role/orders-api-role',
  '--policy',
  'examples/orders-api/policies',
  '--trail',
  'examples/orders-api/trail',
  '--trail-config',
  'examples/orders-api/trail-config.json',
  '--until',
  '2026-11-01T00:00:00Z',
  '--days',
  '30',
];

describe('writing results to stdout', () => {
  it.skipIf(!existsSync('/dev/full'))('a full disk under stdout: exit 1, one error naming ENOSPC and what to do, no stack', () => {
    for (const args of [['--version'], EXAMPLE]) {
      // Given stdout redirected to a device that is always full
      const full = openSync('/dev/full', 'w');
      try {
        // When policy-trim writes its results there
        const run = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', full, 'pipe'], encoding: 'utf8', env: { ...process.env, CI: 'true' } });

        // Then the run fails, says why once, and tells the user what to do; it is not presented as a bug
        expect(run.status, run.stderr).toBe(1);
        const errors = run.stderr.split('\n').filter((l) => l.startsWith('policy-trim: error'));
        expect(errors).toEqual(['policy-trim: error [stdout-write-failed]: the results could not be written to standard output: ENOSPC: no space left on device, write']);
        expect(run.stderr).toContain('what to do: The disk that standard output is redirected to is full');
        expect(run.stderr).not.toMatch(/Node\.js v|    at |this is a bug|unexpected/);
      } finally {
        closeSync(full);
      }
    }
  });

  it.skipIf(!existsSync('/dev/full'))('stderr that cannot be written (a full disk) loses the logs, not the results or the exit code', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const run = spawnSync(process.execPath, [BIN, ...EXAMPLE], { cwd: ROOT, stdio: ['ignore', 'pipe', full], encoding: 'utf8', env: { ...process.env, CI: 'true' } });
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toHaveProperty('Statement');
    } finally {
      closeSync(full);
    }
  });

  it('a reader of both streams that goes away (`2>&1 | head`) ends the run quietly, with its exit code', async () => {
    // Given one pipe for stdout and stderr, closed by its reader before policy-trim writes its results
    const child = spawn('/bin/sh', ['-c', `"${process.execPath}" "${BIN}" ${EXAMPLE.join(' ')} 2>&1; echo "exit=$?" >&3`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit', 'pipe'], env: { ...process.env, CI: 'true' } });
    child.stdout!.destroy();
    let fd3 = '';
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (fd3 += d.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    // Then policy-trim exits as the run would have (0), without crashing on the closed pipe
    expect(fd3.trim()).toBe('exit=0');
  });

  it('a reader that goes away (EPIPE) ends the output quietly, with the exit code of the run', async () => {
    // Given a reader that closes its end before policy-trim writes its results
    const child = spawn(process.execPath, [BIN, ...EXAMPLE, '--format', 'yaml'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));

    // When it runs to the end
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

    // Then nothing is reported about stdout and the run's own exit code stands
    expect(status, stderr).toBe(0);
    expect(stderr).toContain('verified: never wider than the original');
    expect(stderr).not.toMatch(/stdout-write-failed|EPIPE|Node\.js v|    at /);
  });
});
