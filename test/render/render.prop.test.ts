/**
 * Properties of the renderers on random policies: round trips (JSON → Terraform jsonencode → JSON, YAML read
 * by 1.1 and 1.2 readers), determinism and list-order independence, and terraform-fmt-stable layout.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  parseJsonencode,
  parseJsonencodePolicy,
  policyDocumentFromIam,
  renderJson,
  renderPolicy,
  renderTerraform,
  renderYaml,
} from '../../src/core/render/index.js';
import { policyArb, shuffled } from '../support/render-arbitraries.js';
import { fmtViolations, normalizeIam, readDataSource } from '../support/render.js';

// 500 runs per property: about 2 s each on a 2-core machine, and enough to hit the rarer tricky strings.
const RUNS = { numRuns: 500 };

describe('renderer properties', () => {
  it('JSON → Terraform (jsonencode) → JSON round-trips byte for byte', () => {
    fc.assert(
      fc.property(policyArb, (doc) => {
        // Given the JSON of a policy, read back into the model as a user's file would be
        const json = renderJson(doc);
        const fromJson = policyDocumentFromIam(JSON.parse(json), doc.name);
        // When it goes through Terraform jsonencode and is read back
        const tf = renderTerraform(fromJson, { style: 'jsonencode' });
        const back = parseJsonencodePolicy(tf);
        // Then the JSON is unchanged, and the HCL object is the JSON value
        expect(renderJson(back)).toBe(json);
        expect(parseJsonencode(tf).value).toEqual(JSON.parse(json));
      }),
      RUNS,
    );
  });

  it('the bare jsonencode expression reads back to the same value', () => {
    fc.assert(
      fc.property(policyArb, (doc) => {
        const tf = renderTerraform(doc, { style: 'jsonencode', jsonencodeWrapper: 'none' });
        expect(parseJsonencode(tf).value).toEqual(JSON.parse(renderJson(doc)));
      }),
      RUNS,
    );
  });

  it('YAML reads back as the JSON value in YAML 1.1 and 1.2, with every string still a string', () => {
    fc.assert(
      fc.property(policyArb, (doc) => {
        const expected = JSON.parse(renderJson(doc));
        const yaml = renderYaml(doc);
        expect(parseYaml(yaml, { version: '1.1' })).toEqual(expected);
        expect(parseYaml(yaml, { version: '1.2' })).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('the data source describes the same policy as the JSON', () => {
    fc.assert(
      fc.property(policyArb, (doc) => {
        const json = normalizeIam(JSON.parse(renderJson(doc)), { dropEmpty: true }) as { Version?: string };
        expect(normalizeIam(readDataSource(renderTerraform(doc)), { dropEmpty: true })).toEqual({ ...json, Version: json.Version ?? '2012-10-17' });
      }),
      RUNS,
    );
  });

  it('identical input gives byte-identical output, whatever the order of lists and keys', () => {
    fc.assert(
      fc.property(policyArb, fc.integer(), (doc, seed) => {
        const other = shuffled(doc, seed);
        for (const format of ['json', 'yaml', 'terraform'] as const) {
          expect(renderPolicy(other, format)).toBe(renderPolicy(doc, format));
        }
        expect(renderPolicy(other, 'terraform', { style: 'jsonencode' })).toBe(renderPolicy(doc, 'terraform', { style: 'jsonencode' }));
      }),
      RUNS,
    );
  });

  it('Terraform output of both styles is laid out as terraform fmt leaves it', () => {
    fc.assert(
      fc.property(policyArb, (doc) => {
        expect(fmtViolations(renderTerraform(doc))).toEqual([]);
        expect(fmtViolations(renderTerraform(doc, { style: 'jsonencode' }))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('no raw "${" or "%{" template introducer survives in Terraform output', () => {
    fc.assert(
      fc.property(policyArb, (doc) => {
        for (const text of [renderTerraform(doc), renderTerraform(doc, { style: 'jsonencode' })]) {
          // Remove the escaped forms `$${` / `%%{` (and whatever `$`/`%` precede them); nothing may remain.
          const rest = text.replace(/[$]*\$\$\{/g, '').replace(/%*%%\{/g, '');
          expect(rest).not.toMatch(/\$\{|%\{/);
        }
      }),
      RUNS,
    );
  });
});
