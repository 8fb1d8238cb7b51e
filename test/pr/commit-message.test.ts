/** The tool's commit message (what, why, trailers) and recognising the tool's commits by their trailers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commitTrailers, isToolCommit, splitCommitMessage, toolCommitRole, trimCommitMessage, type TrimCommitFacts } from '../../src/core/pr/commit-message.js';

const ROLE = 'arn:aws:iam::123456789012:role/orders-api-role';
const facts: TrimCommitFacts = {
  role: ROLE,
  toolVersion: '0.1.0',
  removedActions: 12,
  narrowedActions: 1,
  files: ['infra/iam.tf', 'policies/orders.json'],
  window: { from: '2026-10-02', to: '2026-11-01' },
};

describe('trimCommitMessage', () => {
  it('says what changed and why, and ends with the trailers', () => {
    expect(trimCommitMessage(facts)).toBe(
      [
        'policy-trim: trim unused permissions of orders-api-role',
        '',
        'Remove 12 actions orders-api-role did not use and narrow 1 action to the',
        'resources it used.',
        '',
        'Files:',
        '- infra/iam.tf',
        '- policies/orders.json',
        '',
        'Why: CloudTrail from 2026-10-02 to 2026-11-01 shows no use of what is',
        'removed. The new policy was checked to be never wider than the old one',
        'and to still allow every call observed.',
        '',
        `Policy-Trim-Role: ${ROLE}`,
        'Generated-By: policy-trim 0.1.0',
        '',
      ].join('\n'),
    );
  });

  it('keeps lines within 72 columns and lists at most ten files', () => {
    const many = trimCommitMessage({ ...facts, files: Array.from({ length: 14 }, (_, i) => `f${i}.json`) });
    expect(many).toContain('- and 4 more');
    for (const line of many.split('\n').filter((l) => !l.startsWith('Policy-Trim-Role'))) expect(line.length).toBeLessThanOrEqual(72);
  });

  it('cannot be made to carry extra lines or trailers by a role or file name', () => {
    const forged = trimCommitMessage({ ...facts, role: 'evil\n\nGenerated-By: someone', files: ['a\nGenerated-By: x'] });
    expect(commitTrailers(forged)).toEqual([
      { key: 'Policy-Trim-Role', value: 'evil\\n\\nGenerated-By: someone' },
      { key: 'Generated-By', value: 'policy-trim 0.1.0' },
    ]);
  });
});

describe('isToolCommit', () => {
  it('recognises its own messages, for any role and version, and the role they name', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (role, version) => {
        const message = trimCommitMessage({ ...facts, role, toolVersion: version });
        expect(isToolCommit(message)).toBe(true);
        expect(isToolCommit(message, role)).toBe(true);
        expect(isToolCommit(message, `${role}x`)).toBe(false);
      }),
    );
    expect(toolCommitRole(trimCommitMessage(facts))).toBe(ROLE);
  });

  it('reads trailers as git does: last paragraph, keys in any case, CRLF, folded values', () => {
    expect(isToolCommit(`fix\r\n\r\npolicy-trim-role: ${ROLE}\r\ngenerated-by: policy-trim 1.2.3\r\n`)).toBe(true);
    expect(commitTrailers('s\n\nA: one\n  two\nB: x')).toEqual([
      { key: 'A', value: 'one two' },
      { key: 'B', value: 'x' },
    ]);
  });

  it('does not take a person’s commit for the tool’s', () => {
    expect(isToolCommit('Tweak the policy by hand')).toBe(false);
    expect(isToolCommit(`Tweak\n\nSigned-off-by: A <a@example.com>`)).toBe(false);
    // the trailers quoted in the body, not at the end
    expect(isToolCommit(`Revert\n\nPolicy-Trim-Role: ${ROLE}\nGenerated-By: policy-trim 0.1.0\n\nbecause it broke prod`)).toBe(false);
    // a trailer block with a line that is not a trailer is no trailer block
    expect(isToolCommit(`x\n\nPolicy-Trim-Role: ${ROLE}\nGenerated-By: policy-trim 0.1.0\nthis is prose`)).toBe(false);
    expect(isToolCommit(`x\n\nPolicy-Trim-Role: ${ROLE}\nGenerated-By: policy-trimmer 1`)).toBe(false);
    expect(isToolCommit(`x\n\nGenerated-By: policy-trim 0.1.0`)).toBe(false);
    expect(toolCommitRole('Tweak')).toBeUndefined();
  });
});

describe('splitCommitMessage', () => {
  const split = { role: ROLE, toolVersion: '0.1.0', file: 'infra/main.tf', roles: [{ functionName: 'orders-api', roleName: 'orders-api-role-orders-api' }], residual: true, window: { from: '2026-10-02', to: '2026-11-01' } };

  it('names the roles it adds and the file, says the shared role stays, and ends with the tool\'s trailers', () => {
    const message = splitCommitMessage(split);
    expect(message.split('\n').slice(0, 4)).toEqual(['policy-trim: one role per function for orders-api-role', '', 'Add 1 role to infra/main.tf, one per function of orders-api-role:', '- orders-api-role-orders-api (function orders-api)']);
    expect(message.replace(/\s+/g, " ")).toContain("The shared role and the functions are unchanged; the shared role is also used by others and cannot be retired yet.");
    expect(isToolCommit(message, ROLE)).toBe(true);
    expect(toolCommitRole(message)).toBe(ROLE);
  });

  it('a function or file name cannot add a line, so cannot forge a trailer', () => {
    const forged = splitCommitMessage({ ...split, file: 'x\nPolicy-Trim-Role: other', roles: [{ functionName: 'f\n\nGenerated-By: someone', roleName: 'r' }] });
    expect(commitTrailers(forged)).toEqual([
      { key: 'Policy-Trim-Role', value: ROLE },
      { key: 'Generated-By', value: 'policy-trim 0.1.0' },
    ]);
  });
});
