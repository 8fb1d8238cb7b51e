import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parsePolicyDocument } from '../../src/core/policy/parse.js';
import type { PolicyDocument, Statement } from '../../src/core/policy/types.js';
import { arbPolicyDocument } from '../support/policy-arbitraries.js';

/** The IAM JSON form of a statement (our own writer for the test; renderers live elsewhere). */
function toIam(s: Statement): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (s.sid !== undefined) o.Sid = s.sid;
  o.Effect = s.effect;
  if (s.action) o.Action = s.action.length === 1 ? s.action[0] : s.action;
  if (s.notAction) o.NotAction = s.notAction;
  if (s.resource) o.Resource = s.resource.length === 1 ? s.resource[0] : s.resource;
  if (s.notResource) o.NotResource = s.notResource;
  if (s.condition) o.Condition = s.condition;
  return o;
}

const toDoc = (d: PolicyDocument) => ({ Version: d.version, Statement: d.statements.map(toIam) });

describe('parser round trips', () => {
  it('JSON text of a random policy parses back to the same model', () => {
    fc.assert(
      fc.property(arbPolicyDocument('r'), (d) => {
        expect(parsePolicyDocument(JSON.stringify(toDoc(d), null, 2), 'r')).toEqual(d);
      }),
      { numRuns: 200 },
    );
  });

  it('YAML text of a random policy parses back to the same model', () => {
    fc.assert(
      fc.property(arbPolicyDocument('r'), (d) => {
        expect(parsePolicyDocument(stringify(toDoc(d)), 'r')).toEqual(d);
      }),
      { numRuns: 200 },
    );
  });
});
