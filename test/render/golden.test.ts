/**
 * Golden-file tests for every renderer: one directory per case under test/fixtures/render/, each with
 * input.json and the expected output of every renderer. `UPDATE_GOLDEN=1 npx vitest run test/render` rewrites
 * the expected files; review the diff by hand before committing it.
 *
 * Besides the byte comparison, each case checks the outputs by meaning (so a wrong golden file cannot pass):
 * JSON, YAML (read as YAML 1.1) and jsonencode read back to the same policy as the input; the Terraform files
 * follow `terraform fmt`'s layout rules.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../support/golden.js';
import { parse as parseYaml } from 'yaml';
import { parseJsonencode, policyDocumentFromIam, renderJson, renderTerraform, renderYaml } from '../../src/core/render/index.js';
import { fmtViolations, normalizeIam, readDataSource } from '../support/render.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'render');

const cases = readdirSync(FIXTURES, { withFileTypes: true })
  // split/ holds the split renderers' cases (test/render/split.test.ts), not a single policy.
  .filter((d) => d.isDirectory() && d.name !== 'split')
  .map((d) => d.name)
  .sort();

const OUTPUTS = {
  'expected.json': renderJson,
  'expected.yaml': renderYaml,
  'expected.tf': (doc) => renderTerraform(doc),
  'expected.jsonencode.tf': (doc) => renderTerraform(doc, { style: 'jsonencode' }),
} satisfies Record<string, (doc: ReturnType<typeof policyDocumentFromIam>) => string>;

describe.each(cases)('render golden case %s', (name) => {
  const dir = join(FIXTURES, name);
  const input: unknown = JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8'));
  // The document name drives the Terraform block name: `policies/<case>.json` → `<case>` in snake_case.
  const doc = policyDocumentFromIam(input, `policies/${name}.json`);

  it.each(Object.keys(OUTPUTS))('%s matches the golden file', (file) => {
    const actual = OUTPUTS[file as keyof typeof OUTPUTS](doc);
    expectGolden(join(dir, file), actual);
  });

  it('expected.json means the same policy as input.json', () => {
    const out = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
    expect(normalizeIam(out)).toEqual(normalizeIam(input));
  });

  it('expected.yaml, read by a YAML 1.1 reader, means the same policy and keeps Version a string', () => {
    const text = readFileSync(join(dir, 'expected.yaml'), 'utf8');
    for (const version of ['1.1', '1.2'] as const) {
      const out = parseYaml(text, { version });
      expect(typeof out.Version).toBe('string');
      expect(normalizeIam(out)).toEqual(normalizeIam(input));
    }
  });

  it('expected.jsonencode.tf reads back to the same policy', () => {
    const { value } = parseJsonencode(readFileSync(join(dir, 'expected.jsonencode.tf'), 'utf8'));
    expect(normalizeIam(value)).toEqual(normalizeIam(input));
  });

  it('expected.tf gives the same policy through the data source (no version means 2012-10-17)', () => {
    const out = readDataSource(readFileSync(join(dir, 'expected.tf'), 'utf8'));
    const want = normalizeIam(input) as { Version?: string };
    expect(normalizeIam(out)).toEqual({ ...want, Version: want.Version ?? '2012-10-17' });
  });

  it.each(['expected.tf', 'expected.jsonencode.tf'])('%s is laid out as terraform fmt leaves it', (file) => {
    expect(fmtViolations(readFileSync(join(dir, file), 'utf8'))).toEqual([]);
  });
});

it('there are golden cases for every Terraform feature the issue names', () => {
  for (const c of ['not-action', 'not-resource', 'principals', 'conditions-multi', 'policy-variables', 'single-statement-object', 'empty-policy', 'deny-with-condition']) {
    expect(cases).toContain(c);
  }
});
