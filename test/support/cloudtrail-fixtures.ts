/**
 * Loads the data-driven CloudTrail mapping fixtures in test/fixtures/cloudtrail/*.json.
 * A file has `base` (a record), and `cases` whose `record` is deep-merged over it (objects merge, arrays and
 * scalars replace, the string "$delete" removes a field) unless the case gives `rawRecord` (used as is).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/cloudtrail/', import.meta.url));

export interface ExpectedAction {
  action: string;
  role: 'primary' | 'secondary';
  resources: string[];
  resourceBasis?: string;
  reasonIncludes?: string;
}

export interface CaseExpect {
  kind: 'call' | 'ignored' | 'problem';
  actions?: ExpectedAction[];
  principalArn?: string;
  principalType?: string;
  sessionName?: string | null;
  fromLambda?: boolean;
  accountId?: string;
  outcome?: string;
  dryRun?: boolean;
  category?: string;
  operation?: string;
  problemCode?: string;
  messageIncludes?: string;
  reasonIncludes?: string;
  position?: string;
}

export interface FixtureCase {
  file: string;
  index: number;
  name: string;
  record: unknown;
  expect: CaseExpect;
}

function merge(base: unknown, over: unknown): unknown {
  if (over === '$delete') return undefined;
  if (typeof base === 'object' && base !== null && !Array.isArray(base) && typeof over === 'object' && over !== null && !Array.isArray(over)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
      const merged = merge(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  return over;
}

/** Every fixture case of every file, in file and case order. */
export function loadFixtureCases(): FixtureCase[] {
  const out: FixtureCase[] = [];
  for (const file of readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const doc = JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as {
      base?: unknown;
      cases: { name: string; record?: unknown; rawRecord?: unknown; expect: CaseExpect }[];
    };
    doc.cases.forEach((c, index) => {
      const record = 'rawRecord' in c ? c.rawRecord : merge(doc.base ?? {}, c.record ?? {});
      out.push({ file, index, name: c.name, record, expect: c.expect });
    });
  }
  return out;
}
