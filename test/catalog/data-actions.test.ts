/**
 * Every IAM action named anywhere in `data/` (other than the catalog itself) must exist in the catalog:
 * a typo or a renamed action in a hand-kept table would otherwise turn into a made-up permission.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir, loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';

const catalog = loadBundledCatalog();

/** Strings shaped like an IAM action id or action pattern: `prefix:Name`, `prefix:Get*`. */
const ACTION_SHAPE = /^[a-z0-9][a-z0-9-]*:[A-Za-z*?][A-Za-z0-9*?]*$/;

/**
 * Object keys whose subtrees hold strings that are deliberately NOT catalog actions (mappings that public
 * tools make but that are wrong; tests elsewhere check they stay absent).
 */
const SKIP_SUBTREES = /^knownWrong$/i;

/**
 * Strings of action shape that are known not to be actions. Condition keys (`iam:PassedToService`) are
 * recognised through the catalog's condition-key list and need no entry here.
 */
const NOT_ACTIONS = new Set<string>([]);

/**
 * Per data file, strings a published source we bundle unchanged names as actions although IAM has no such
 * action. AWS SAM's SQSPollerPolicy (data/sam/policy-templates.json) lists the SQS batch APIs; the Amazon SQS
 * Developer Guide, "Amazon SQS batch actions", says permissions cannot be set for batch operations: the
 * single-message actions beside them in the same statement authorize them.
 */
const PUBLISHED_NOT_ACTIONS: Record<string, Set<string>> = {
  [join('sam', 'policy-templates.json')]: new Set(['sqs:ChangeMessageVisibilityBatch', 'sqs:DeleteMessageBatch']),
};

interface Found {
  file: string;
  path: string;
  value: string;
}

function collect(value: unknown, file: string, path: string, out: Found[]): void {
  if (typeof value === 'string') {
    if (ACTION_SHAPE.test(value)) out.push({ file, path, value });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => collect(v, file, `${path}[${i}]`, out));
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (SKIP_SUBTREES.test(k)) continue;
      if (ACTION_SHAPE.test(k)) out.push({ file, path: `${path}{key}`, value: k });
      collect(v, file, `${path}.${k}`, out);
    }
  }
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? jsonFiles(p) : p.endsWith('.json') ? [p] : [];
    })
    .sort();
}

describe('actions named in data/', () => {
  const root = dataDir();
  const files = jsonFiles(root).filter((f) => relative(root, f) !== join('iam', 'catalog.json'));
  const found: Found[] = [];
  for (const f of files) collect(JSON.parse(readFileSync(f, 'utf8')), relative(root, f), '$', found);

  it('scans operations.json and the CloudTrail tables', () => {
    expect(files.map((f) => relative(root, f))).toContain(join('iam', 'operations.json'));
    // operations.json alone names thousands of actions: the scan must see them.
    expect(found.filter((f) => f.file === join('iam', 'operations.json')).length).toBeGreaterThan(2000);
  });

  it('all exist in the catalog (patterns must match at least one action)', () => {
    const bad = found.filter(({ file, value }) => {
      if (NOT_ACTIONS.has(value) || PUBLISHED_NOT_ACTIONS[file]?.has(value)) return false;
      if (value.includes('*') || value.includes('?')) return catalog.expandActionPattern(value).length === 0;
      if (catalog.action(value)) return false;
      return catalog.conditionKeyType(value) === undefined;
    });
    expect(bad.map((b) => `${b.file} ${b.path}: ${b.value}`)).toEqual([]);
  });

  it('would catch a made-up action (the check itself works)', () => {
    expect(catalog.action('s3:DeleteReplicationConfiguration')).toBeUndefined(); // trailscraper's known-wrong mapping
    expect(catalog.conditionKeyType('s3:DeleteReplicationConfiguration')).toBeUndefined();
    const probe: Found[] = [];
    collect({ x: ['s3:GetObject', 'text with s3:GetObject', 'arn:aws:s3:::b'], knownWrong: ['s3:Nope'] }, 'probe', '$', probe);
    expect(probe.map((p) => p.value)).toEqual(['s3:GetObject']);
  });
});
