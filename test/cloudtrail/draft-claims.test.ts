/**
 * The research draft ../shared/data/eventname-overrides.draft.json (collected from trailscraper, iam-dataset,
 * cloudtracker and AWS docs) holds claims, not truth. Each concrete claim is checked against our tables; the
 * ones we reject are listed here with the reason, so a change on either side is noticed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBundledEventMapper, loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';

const DRAFT = fileURLToPath(new URL('../../../shared/data/eventname-overrides.draft.json', import.meta.url));
const present = existsSync(DRAFT);

/** Claims we do not adopt, with why. */
const REJECTED: Record<string, string> = {
  's3.amazonaws.com CopyObject s3:GetObjectTagging':
    'iam-dataset map.json adds it when TaggingDirective != REPLACE; the AWS Service Reference CopyObject AuthorizedActions do not list it',
  'lambda.amazonaws.com GetFunction lambda:ListTags':
    'a may-need in the Service Reference (only to return tags); nothing in the record shows it was needed, so it is not counted as used',
};

describe.skipIf(!present)('draft eventName claims', () => {
  const draft = present ? (JSON.parse(readFileSync(DRAFT, 'utf8')) as Record<string, unknown>) : {};
  const mapper = loadBundledEventMapper();
  const normalize = loadBundledNormalizer();
  const claims: { key: string; src: string; name: string; action: string }[] = [];
  for (const [src, entries] of Object.entries(draft)) {
    if (!src.endsWith('.amazonaws.com') || typeof entries !== 'object' || entries === null) continue;
    for (const [name, list] of Object.entries(entries as Record<string, unknown>)) {
      if (!Array.isArray(list)) continue;
      for (const c of list as { action: string }[]) {
        if (/[|*]/.test(c.action)) continue; // Alternatives are covered by the split fixtures.
        claims.push({ key: `${src} ${name} ${c.action}`, src, name, action: c.action });
      }
    }
  }

  it('has claims to check', () => {
    expect(claims.length).toBeGreaterThan(60);
  });

  it('every concrete claim is a primary or conditional action of ours, unless rejected with a reason', () => {
    const disagreements: string[] = [];
    for (const c of claims) {
      const r = mapper.resolve(c.src, c.name);
      const ours = r.kind === 'mapped' ? [...r.primary, ...r.conditional.map((x) => x.action)] : [];
      if (!ours.includes(c.action)) disagreements.push(c.key);
    }
    expect(disagreements.sort()).toEqual(Object.keys(REJECTED).sort());
  });

  it('the draft\'s permissionless and non-API calls are ignored by the normalizer', () => {
    const list = draft.nonApiOrPermissionless as Record<string, string[]>;
    for (const [src, names] of Object.entries(list)) {
      for (const eventName of names) {
        const out = normalize({
          eventTime: '2026-11-02T08:00:00Z',
          eventSource: src,
          eventName,
          eventType: 'AwsApiCall',
          userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/u', accountId: '111122223333' },
        });
        expect(out.kind, `${src} ${eventName}`).toBe('ignored');
      }
    }
  });
});
