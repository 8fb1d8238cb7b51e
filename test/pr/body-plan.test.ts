/**
 * The body describes what the edit does (core/pr/body-plan.ts): an action the plan keeps is never listed as
 * removed; a used call the granted policy may allow through an unresolved reference is not listed as "used but
 * not granted" (a count says so); long resource lists are abbreviated; an emptied policy leads the body.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { planFacts, renderFullReport } from '../../src/core/pr/body.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import type { UsedNotGrantedFinding } from '../../src/core/trim/types.js';
import { catalog } from '../iac/plan-support.js';
import { exampleRun, inputFor, type ExampleRun } from './body-support.js';

const SYMBOL = '\uE000template.yaml#GetAtt:ReceiptsBucket.Arn\uE001';
const expand = (p: string) => catalog.expandActionPattern(p);

describe('the body of an edit with unresolved references', () => {
  let run: ExampleRun;
  beforeAll(async () => {
    run = await exampleRun();
  });

  it('lists no action the plan keeps as removed, and counts it as kept', () => {
    const removed = run.result.findings.find((f) => f.kind === 'removed-action')!;
    const action = (removed as { action: string }).action;
    const trimmed: PolicyDocument[] = [{ name: 't', statements: [{ effect: 'Allow', action: [action], resource: [SYMBOL] }] }];
    const before = renderFullReport(inputFor(run, []));
    const after = renderFullReport(inputFor(run, [], { plan: planFacts([], trimmed, expand) }));
    expect(before).toMatch(new RegExp(`\\| \`${action}\` \\| never in the window`));
    expect(after).not.toMatch(new RegExp(`\\| \`${action}\` \\| never in the window`));
    expect(after).toContain(`**${run.result.stats.removedActions - 1}** removed`);
  });

  it('leaves out, with a count, used calls an unresolved reference may allow; abbreviates long resource lists', () => {
    const objects = Array.from({ length: 170 }, (_, i) => `arn:aws:s3:::orders-receipts/receipts/o${i}.pdf`);
    const unlisted: UsedNotGrantedFinding = { id: 'used-not-granted/s3:GetObject', kind: 'used-not-granted', action: 's3:GetObject', resources: objects, message: '' } as UsedNotGrantedFinding;
    const other: UsedNotGrantedFinding = { ...unlisted, id: 'used-not-granted/s3:PutObject', action: 's3:PutObject' };
    const result = { ...run.result, findings: [...run.result.findings, unlisted, other] };
    const granted: PolicyDocument[] = [{ name: 'g', statements: [{ effect: 'Allow', action: ['s3:Get*'], resource: [`${SYMBOL}/*`] }] }];
    const body = renderFullReport(inputFor(run, [], { result, plan: planFacts(granted, [], expand) }));
    expect(body).not.toMatch(/- `s3:GetObject` on/);
    expect(body).toContain('170 resources of `s3:GetObject` are left out: the policies may allow them through a reference that is not resolved.');
    expect(body).toMatch(/- `s3:PutObject` on `arn:aws:s3:::orders-receipts\/receipts\/o0.pdf`, .* and 165 more/);
    expect(body.match(/o\d+\.pdf/g)!.length).toBe(5);
  });

  it('lists the plan\'s notes and the live role apart from the edited files, which alone are counted', () => {
    const edits = [{ file: 'infra/iam.tf', site: 'data.aws_iam_policy_document.app', notes: [] }];
    const body = renderFullReport(inputFor(run, [], { edits, planNotes: ['template.yaml, function Fn: `!GetAtt T.Arn` is not resolved.'], liveRole: ['The live role was not read.'] }));
    expect(body).toContain('### Files edited: 1\n');
    expect(body).toMatch(/### Notes on the plan\n\n- template\.yaml, function Fn: `!GetAtt T\.Arn` is not resolved\.\n/);
    expect(body).toMatch(/### The live role\n\n- The live role was not read\.\n/);
    const none = renderFullReport(inputFor(run, [], { edits }));
    expect(none).not.toMatch(/### Notes on the plan|### The live role/);
  });

  it('puts an emptied policy at the top, in a "Before merging" list', () => {
    const note = 'p.json: no statement is left. IAM does not accept a policy document without statements: remove this policy (and whatever attaches it) rather than deploy it empty.';
    const body = renderFullReport(inputFor(run, [], { beforeMerging: [note] }));
    const at = body.indexOf('### Before merging');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(body.indexOf('### Window and sources'));
    expect(body).toContain('- [ ] p.json: no statement is left.');
  });
});
