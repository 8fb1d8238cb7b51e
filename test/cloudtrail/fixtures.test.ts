/**
 * ONE data-driven runner for every CloudTrail mapping fixture (test/fixtures/cloudtrail/*.json): each case is
 * a record plus the expected actions, resources, principal and outcome.
 */
import { describe, expect, it } from 'vitest';
import { loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { loadFixtureCases, type ExpectedAction } from '../support/cloudtrail-fixtures.js';
import type { ActionUse } from '../../src/core/usage/types.js';

const normalize = loadBundledNormalizer();
const cases = loadFixtureCases();

function shape(a: ActionUse | ExpectedAction): string {
  return `${a.role} ${a.action} [${[...a.resources].sort().join(' , ')}]`;
}

describe('CloudTrail mapping fixtures', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(100);
  });
  for (const c of cases) {
    it(`${c.file} #${c.index}: ${c.name}`, () => {
      const out = normalize(c.record, { file: c.file, index: c.index });
      const e = c.expect;
      expect(out.kind, JSON.stringify(out)).toBe(e.kind);
      if (out.kind === 'problem') {
        if (e.problemCode) expect(out.problem.code).toBe(e.problemCode);
        if (e.messageIncludes) expect(out.problem.message).toContain(e.messageIncludes);
        expect(out.problem.file).toBe(c.file);
        expect(out.problem.position).toBe(e.position ?? `record ${c.index}`);
        return;
      }
      if (out.kind === 'ignored') {
        if (e.reasonIncludes) expect(out.reason).toContain(e.reasonIncludes);
        expect(out.reason.length).toBeGreaterThan(10);
        return;
      }
      const call = out.call;
      if (e.actions) {
        expect(call.actions.map(shape).sort()).toEqual(e.actions.map(shape).sort());
        for (const want of e.actions) {
          const got = call.actions.find((a) => a.action === want.action && a.role === want.role)!;
          if (want.resourceBasis) expect(got.resourceBasis, want.action).toBe(want.resourceBasis);
          if (want.reasonIncludes) expect(got.reason ?? '', want.action).toContain(want.reasonIncludes);
        }
      }
      for (const k of ['principalArn', 'principalType', 'fromLambda', 'accountId', 'outcome', 'dryRun', 'category', 'operation'] as const) {
        if (e[k] !== undefined) expect(call[k], k).toBe(e[k]);
      }
      if (e.sessionName !== undefined) expect(call.sessionName ?? null).toBe(e.sessionName);
      expect(call.source).toEqual({ file: c.file, index: c.index });
    });
  }
});
