/**
 * Helpers of the configuration tests: the example of docs/configuration.md, a parse that returns the problems
 * instead of throwing, and the fixed "today" of the expiry checks.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../src/core/config/errors.js';
import { parseConfig } from '../../src/core/config/parse.js';
import type { ConfigProblem, ParsedConfig } from '../../src/core/config/types.js';

/** Today for every test (the CLI tests' clock too: test/support/cli.ts). */
export const TODAY = new Date('2026-11-23T00:00:00Z');

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The yaml block under "## Full example" of docs/configuration.md. */
export function docExample(): string {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Full example'));
  const m = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('docs/configuration.md has no yaml block under "## Full example"');
  return m[1]!;
}

/** Parses `text`: the result, or the ConfigError's problems (any other throw is a test failure). */
export function tryParse(text: string, now: Date = TODAY): { ok: true; parsed: ParsedConfig } | { ok: false; error: ConfigError; problems: readonly ConfigProblem[] } {
  try {
    return { ok: true, parsed: parseConfig(text, '.policy-trim.yml', { now }) };
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, error: e, problems: e.problems };
    throw e;
  }
}

/** The problems of an invalid text (fails when it parses). */
export function problemsOf(text: string): readonly ConfigProblem[] {
  const r = tryParse(text);
  if (r.ok) throw new Error(`expected problems, the text parsed:\n${text}`);
  return r.problems;
}

/** `LINE:COLUMN path: message`, compact for assertions. */
export function brief(p: ConfigProblem): string {
  return `${p.line}:${p.column} ${p.path}: ${p.message}`;
}
