/**
 * Writing an `aws_iam_role` site: its statements spread back over its `inline_policy` blocks, and its
 * `managed_policy_arns` list narrowed to the attachments that stay.
 */

import type { Statement } from '../policy/types.js';
import type { SiteEdit } from './types.js';
import { policyLayout, unsupported, type SiteRead } from './terraform-read.js';
import type { InlinePolicy } from './terraform-sites.js';
import { keyedString, leadingCommentStart, lineIndent, placeTexts, removeBlock, type TextEdit } from './terraform-splice.js';
import { pairStatements, writeStatements } from './terraform-statements.js';
import { hclValue } from './terraform-values.js';

/**
 * Which inline policy each new statement goes to: the policy of the statement it comes from (see
 * pairStatements), else the policy of the statement before it, else the first.
 */
function owners(policies: readonly InlinePolicy[], r: SiteRead, edit: SiteEdit): number[] {
  const all = policies.flatMap((p, owner) => p.policy!.read.written.map((w) => ({ statement: w.statement, owner })));
  const pairs = pairStatements(all.map((a) => a.statement), r.ctx.references, edit.statements, edit.references);
  let previous = 0;
  return pairs.map((j) => (previous = j === undefined ? previous : all[j]!.owner));
}

/**
 * The edits for the role's inline policies. A policy left without statements loses its block; when none is
 * left, the first block becomes `inline_policy {}`, because Terraform leaves the role's inline policies alone
 * when no block is written at all, and removes them only for an explicitly empty block.
 */
export function writeRoleStatements(r: SiteRead, edit: SiteEdit): TextEdit[] {
  const policies = r.role!.inline.filter((p) => p.policy !== undefined);
  if (policies.length === 0) {
    if (edit.statements.length === 0) return [];
    throw unsupported(r, `${r.site.address} has no inline_policy block to write statements into`, 'Add an inline_policy block (or an aws_iam_role_policy) and name that site.');
  }
  const owner = owners(policies, r, edit);
  const mine = policies.map((_, i): Statement[] => edit.statements.filter((_s, k) => owner[k] === i));
  const anyLeft = mine.some((s) => s.length > 0);
  const text = r.ctx.text;
  return policies.flatMap((p, i): TextEdit[] => {
    if (mine[i]!.length > 0) return writeStatements(text, policyLayout(r, p.policy!, edit), r.ctx.references, mine[i]!, edit.references);
    if (anyLeft || i > 0) return [removeBlock(text, p.block)];
    return [{ start: p.block.start, end: p.block.end, text: 'inline_policy {}' }];
  });
}

/** The edits for `managed_policy_arns`: the ARNs that stay keep their text, in the edit's order. */
export function writeManaged(r: SiteRead, edit: SiteEdit): TextEdit[] {
  const managed = r.role!.managed;
  if (managed === undefined) {
    if (edit.attachments.length === 0) return [];
    throw unsupported(r, `${r.site.address} has no managed_policy_arns to write attachments into`, 'Add managed_policy_arns to the role, or an aws_iam_role_policy_attachment.');
  }
  const text = r.ctx.text;
  const tuple = managed.attr.expr;
  if (tuple.kind !== 'tuple') return []; // readRole only accepts a list
  const originals = managed.values.map((v) => keyedString(v, r.ctx.references));
  const used = new Set<number>();
  const texts = edit.attachments.map((a) => {
    const j = originals.findIndex((o, j) => !used.has(j) && o === keyedString(a.policy, edit.references));
    if (j < 0) return hclValue(a.policy, edit.references, '$$');
    used.add(j);
    const item = tuple.items[j]!;
    return text.slice(leadingCommentStart(text, item.start), item.end);
  });
  const slots = tuple.items.map((item) => ({ start: item.start, end: item.end, commentStart: leadingCommentStart(text, item.start) }));
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const multiLine = text.slice(tuple.start, tuple.end).includes('\n');
  const first = slots[0];
  return placeTexts(text, slots, texts, {
    separator: multiLine && first ? `,${eol}${lineIndent(text, first.start)}` : ', ',
    removable: /[\s,]/,
    whole: (ts) => [{ start: tuple.start, end: tuple.end, text: `[${ts.join(', ')}]` }],
  });
}
