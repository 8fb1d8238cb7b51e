/**
 * What a shared role is granted in the repository, for `pr --split-by-function`: the planner's own reading of the
 * role's `defined-in` sites (core/iac/plan-grants.ts: statements, SAM policy templates, inherited grants, managed
 * policies attached, references resolved where a value is known), so the split starts from exactly the grant a
 * trim pull request would edit.
 *
 * The per-function roles are new code, written with literal values: a part of the grant the run cannot see
 * (a reference no value resolves, a managed policy whose document was not read, a SAM template it cannot expand)
 * would silently be missing from every function's role, and a function switched to it would be denied what the
 * shared role allowed. So any such part stops the split, naming it and the option that supplies it.
 */

import { siteLabel, grantDocuments, unresolvedReferences, viewSite, type SiteRead } from '../iac/plan-grants.js';
import { editorFor } from '../iac/editors.js';
import type { PlanInput } from '../iac/plan-types.js';
import type { PolicyDocument } from '../policy/types.js';
import { SplitError } from './errors.js';
import { InvariantError } from '../errors.js';

/** What the grant is read from: the role's sites with their texts and what resolves references. */
export type RepositoryGrantInput = Pick<PlanInput, 'role' | 'sites' | 'values' | 'managedPolicies' | 'samTemplates' | 'managedPoliciesUnread'>;

/**
 * The documents the role's sites grant, every value known. Throws `split-grant-unknown` listing each part the run
 * cannot see (see the module comment); IacError when a site cannot be read.
 */
export function repositoryGrant(input: RepositoryGrantInput): PolicyDocument[] {
  const planInput: PlanInput = {
    ...input,
    suggestFor: () => {
      throw new InvariantError('the split reads the grant only'); // never called: viewSite and grantDocuments do not suggest
    },
  };
  const reads: SiteRead[] = input.sites.map((s) => ({ site: s.site, text: s.text, grants: editorFor(s.site.format).read(s.text, s.site), label: siteLabel(s.site) }));
  const views = reads.map((r) => viewSite(r, reads, planInput));
  const unknown: string[] = unresolvedReferences(views, planInput).map((u) => `${siteLabel(u.site)}: \`${u.reference.written}\` is not resolved`);
  for (const view of views) {
    const attachments = [view.attachments, ...view.inherited.map((i) => i.attachments)].flat();
    for (const a of attachments) if (!a.ownSite && !a.document && a.unresolved.length === 0) unknown.push(`${view.label}: the document of managed policy ${a.arn ?? a.resolved} was not read${input.managedPoliciesUnread ? ` (${input.managedPoliciesUnread})` : ''}`);
    const templates = [view.templates, ...view.inherited.map((i) => i.templates)].flat();
    for (const t of templates) if (t.problem) unknown.push(`${view.label}: SAM policy template ${t.use.template} is not expanded (${t.problem})`);
  }
  if (unknown.length > 0) {
    throw new SplitError(
      'split-grant-unknown',
      `part of what the repository grants ${input.role} is not known, so the per-function roles (written with literal values) could not hold it: ${[...new Set(unknown)].join('; ')}`,
      'Nothing was written. Give the values: --tf-state (terraform show -json), --stack (a deployed stack) or --parameters for references; --managed-policy ARN=FILE or AWS credentials for managed policies.',
    );
  }
  return grantDocuments(views, planInput);
}
