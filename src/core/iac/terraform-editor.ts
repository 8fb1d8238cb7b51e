/**
 * The Terraform in-place editor (issue 10, "Edit in place, losslessly"): reads what a grant site holds and
 * rewrites only its statements (and attachments), keeping every other byte of the file. Pure: text in, text
 * out. Each write reads its own output back and refuses (`iac-edit-check-failed`) when the file would not hold
 * the edit, so a wrong rewrite never reaches a pull request.
 */

import type { GrantSite, IacEditor, ManagedAttachment, SiteEdit, SiteGrants } from './types.js';
import { IacError } from './errors.js';
import { dataSourceLayout } from './terraform-datasource.js';
import { policyLayout, readSite, unsupported, type SiteRead } from './terraform-read.js';
import { writeManaged, writeRoleStatements } from './terraform-role.js';
import { applyEdits, keyedStatement, keyedString, removeBlock, type TextEdit } from './terraform-splice.js';
import { writeStatements } from './terraform-statements.js';
import { hclValue } from './terraform-values.js';

/** The edits for one site. */
function siteEdits(r: SiteRead, edit: SiteEdit): TextEdit[] {
  const { ctx } = r;
  if (edit.templates.length > 0) throw unsupported(r, 'SAM policy templates cannot be written into Terraform');
  if (r.addr.kind !== 'role' && r.addr.kind !== 'attachment' && edit.attachments.length > 0) {
    throw unsupported(r, `${r.site.address} holds statements, not managed-policy attachments`, 'Write attachments at an aws_iam_role (managed_policy_arns) or aws_iam_role_policy_attachment site.');
  }
  switch (r.addr.kind) {
    case 'data-source':
      return writeStatements(ctx.text, dataSourceLayout(ctx.text, r.block, r.dataSource!, edit.references, r.site), ctx.references, edit.statements, edit.references);
    case 'policy':
      return writeStatements(ctx.text, policyLayout(r, r.policy!, edit), ctx.references, edit.statements, edit.references);
    case 'role':
      return [...writeRoleStatements(r, edit), ...writeManaged(r, edit)];
    case 'attachment':
      return writeAttachment(r, edit);
  }
}

/** aws_iam_role_policy_attachment: the same ARN stays, another one replaces it, none removes the block. */
function writeAttachment(r: SiteRead, edit: SiteEdit): TextEdit[] {
  if (edit.statements.length > 0) throw unsupported(r, 'an aws_iam_role_policy_attachment cannot hold statements', 'Write the statements at a policy site of the role and drop the attachment.');
  if (edit.attachments.length > 1) throw unsupported(r, 'an aws_iam_role_policy_attachment holds one policy_arn');
  const [kept] = edit.attachments;
  if (kept === undefined) return [removeBlock(r.ctx.text, r.block)];
  const { attr, policy } = r.attachment!;
  if (keyedString(kept.policy, edit.references) === keyedString(policy, r.ctx.references)) return [];
  return [{ start: attr.expr.start, end: attr.expr.end, text: hclValue(kept.policy, edit.references, '$$') }];
}

/**
 * Check that `out` holds the edit at the site, by reading it back. `removed`: the edit removed the site's
 * block (an attachment no longer wanted), so the address must be gone.
 */
function check(out: string, site: GrantSite, edit: SiteEdit, opts: { grouped: boolean; removed: boolean }): void {
  let back: SiteGrants;
  try {
    back = readSite(out, site).grants;
  } catch (err) {
    if (opts.removed && err instanceof IacError && err.code === 'iac-site-not-found') return;
    throw new IacError({ code: 'iac-edit-check-failed', site, message: 'the edited file does not read back', cause: err });
  }
  if (opts.removed) throw new IacError({ code: 'iac-edit-check-failed', site, message: 'the removed block is still in the edited file' });
  const { grouped } = opts;
  const mine = edit.statements.map((s) => keyedStatement(s, edit.references));
  const theirs = back.statements.map((s) => keyedStatement(s, back.references));
  // A role with several inline policies groups statements by policy, so only the order may differ there.
  const same = (a: string[], b: string[]) => JSON.stringify(grouped ? [...a].sort() : a) === JSON.stringify(grouped ? [...b].sort() : b);
  const attachments = (xs: ManagedAttachment[], refs: SiteEdit['references']) => xs.map((a) => keyedString(a.policy, refs));
  if (!same(mine, theirs) || !same(attachments(edit.attachments, edit.references), attachments(back.attachments, back.references))) {
    throw new IacError({ code: 'iac-edit-check-failed', site, message: 'the edited file does not hold the planned policy', hint: 'This is a bug in policy-trim: report it with the file.' });
  }
}

/** The Terraform editor: sites named by address (see GrantSite); pure text → text. */
export const terraformEditor: IacEditor = {
  format: 'terraform',
  read: (text, site) => readSite(text, site).grants,
  write(text, site, edit) {
    const r = readSite(text, site);
    const out = applyEdits(text, siteEdits(r, edit));
    const grouped = r.addr.kind === 'role' && (r.role?.inline.length ?? 0) > 1;
    const removed = r.addr.kind === 'attachment' && edit.attachments.length === 0;
    check(out, site, edit, { grouped, removed });
    return out;
  },
};
