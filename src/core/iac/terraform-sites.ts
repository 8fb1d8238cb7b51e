/**
 * Where a Terraform grant site is and what it holds: the address (`data.aws_iam_policy_document.NAME`,
 * `aws_iam_policy.NAME`, ...) found among the file's top-level blocks, and a `policy` argument sorted into
 * what the editor can rewrite (jsonencode, a JSON heredoc) and what it sends the user elsewhere for (a data
 * source's `.json`, `file(...)`, any other expression).
 */

import type { GrantSite } from './types.js';
import { IacError } from './errors.js';
import { HclSyntaxError, positionAt } from './terraform-lexer.js';
import { parseHcl, type Expr, type HclAttribute, type HclBlock, type HclItem } from './terraform-syntax.js';
import { readJsonencode, type DocumentRead } from './terraform-jsonencode.js';
import { readHeredoc, type HeredocRead } from './terraform-heredoc.js';
import { abbreviate, stringList, stringValue, type ReadContext } from './terraform-values.js';

/** The kinds of site, by the block they name. */
export type SiteKind = 'data-source' | 'policy' | 'role' | 'attachment';

/** A parsed address. */
export interface Address {
  kind: SiteKind;
  /** `data` or `resource`. */
  block: 'data' | 'resource';
  type: string;
  name: string;
}

const RESOURCE_KINDS: Record<string, SiteKind> = {
  aws_iam_policy: 'policy',
  aws_iam_role_policy: 'policy',
  aws_iam_role: 'role',
  aws_iam_role_policy_attachment: 'attachment',
};

/** The address of a Terraform site; throws `iac-unsupported` for one the editor does not edit. */
export function parseAddress(site: Extract<GrantSite, { format: 'terraform' }>): Address {
  const parts = site.address.split('.');
  if (parts.length === 3 && parts[0] === 'data' && parts[1] === 'aws_iam_policy_document') return { kind: 'data-source', block: 'data', type: parts[1], name: parts[2]! };
  if (parts.length === 2 && RESOURCE_KINDS[parts[0]!] !== undefined) return { kind: RESOURCE_KINDS[parts[0]!]!, block: 'resource', type: parts[0]!, name: parts[1]! };
  throw new IacError({
    code: 'iac-unsupported',
    site,
    message: `address ${JSON.stringify(site.address)} is not one the Terraform editor edits`,
    hint: 'Name data.aws_iam_policy_document.NAME, aws_iam_policy.NAME, aws_iam_role_policy.NAME, aws_iam_role.NAME or aws_iam_role_policy_attachment.NAME (in the file that defines it; module addresses are not supported).',
  });
}

/** The file's top-level items; a syntax error becomes `iac-parse-error` with its position. */
export function parseFile(ctx: ReadContext): HclItem[] {
  try {
    return parseHcl(ctx.text);
  } catch (err) {
    if (!(err instanceof HclSyntaxError)) throw err;
    throw new IacError({ code: 'iac-parse-error', site: ctx.site, message: `not valid Terraform: ${err.message}`, position: positionAt(ctx.text, err.offset), cause: err });
  }
}

/** The block an address names; `iac-site-not-found` lists the addresses of that type the file has. */
export function findBlock(ctx: ReadContext, items: HclItem[], addr: Address): HclBlock {
  const ofType = items.filter((b): b is HclBlock => b.kind === 'block' && b.type === addr.block && b.labels.length === 2 && b.labels[0] === addr.type);
  const hits = ofType.filter((b) => b.labels[1] === addr.name);
  if (hits.length > 1) throw new IacError({ code: 'iac-parse-error', site: ctx.site, message: `${addressOf(hits[1]!)} is defined twice`, position: positionAt(ctx.text, hits[1]!.start) });
  if (hits.length === 1) return hits[0]!;
  const known = ofType.map(addressOf);
  throw new IacError({
    code: 'iac-site-not-found',
    site: ctx.site,
    message: `no ${addressOf({ type: addr.block, labels: [addr.type, addr.name] })} in the file (${known.length > 0 ? `its ${addr.type} blocks: ${known.join(', ')}` : `it has no ${addr.type} block`})`,
    hint: 'Check the address and the file in .policy-trim.yml.',
  });
}

function addressOf(b: Pick<HclBlock, 'type' | 'labels'>): string {
  return `${b.type === 'data' ? 'data.' : ''}${b.labels[0]}.${b.labels[1]}`;
}

/** The attribute `name` of a block body, if any. */
export function attribute(block: HclBlock, name: string): HclAttribute | undefined {
  return block.items.find((i): i is HclAttribute => i.kind === 'attribute' && i.name === name);
}

/** A policy argument the editor can rewrite. */
export type PolicyDocumentRead = { kind: 'jsonencode'; read: DocumentRead } | { kind: 'heredoc'; read: HeredocRead };

/**
 * The statements of a `policy` argument. jsonencode and JSON heredocs are read; a data source's `.json`, a
 * `file(...)` / `templatefile(...)` and anything else are refused with what to name instead.
 */
export function readPolicyArgument(ctx: ReadContext, attr: HclAttribute): PolicyDocumentRead {
  const e = attr.expr;
  if (e.kind === 'call' && e.name === 'jsonencode') return { kind: 'jsonencode', read: readJsonencode(ctx, e) };
  if (e.kind === 'template' && e.token.kind === 'heredoc') return { kind: 'heredoc', read: readHeredoc(ctx, e.token) };
  throw refusal(ctx, e);
}

function refusal(ctx: ReadContext, e: Expr): IacError {
  const written = ctx.text.slice(e.start, e.end);
  const doc = /^data\.aws_iam_policy_document\.([^.\s]+)\.(json|minified_json)$/.exec(e.kind === 'traversal' ? e.text : '');
  if (doc) {
    return ctx.unsupported(e.start, `the policy is the data source ${written}`, `Name the data source in .policy-trim.yml instead: address data.aws_iam_policy_document.${doc[1]}.`);
  }
  if (e.kind === 'call' && (e.name === 'file' || e.name === 'templatefile')) {
    const arg = e.args[0] ? ctx.text.slice(e.args[0].start, e.args[0].end) : '';
    return ctx.unsupported(e.start, `the policy is read from a file, ${abbreviate(written)}`, `Name that JSON file as a json site in .policy-trim.yml (format json, file ${arg} relative to the repository root).`);
  }
  if (e.kind === 'template') return ctx.unsupported(e.start, 'the policy is a quoted JSON string', 'Write it with jsonencode({...}) or as a heredoc.');
  return ctx.unsupported(e.start, `the policy is ${abbreviate(written)}`, 'Name the place that defines the policy (a data source, or the resource whose policy it is) in .policy-trim.yml.');
}


/** One `inline_policy` block of an aws_iam_role; `policy` absent for the empty block that removes them all. */
export interface InlinePolicy {
  block: HclBlock;
  policy?: PolicyDocumentRead;
}

/** The inline policies and managed-policy ARNs of an aws_iam_role. */
export interface RoleRead {
  inline: InlinePolicy[];
  managed?: { attr: HclAttribute; values: string[] };
}

/** Read an aws_iam_role's `inline_policy` blocks and `managed_policy_arns`. */
export function readRole(ctx: ReadContext, block: HclBlock): RoleRead {
  const inline: InlinePolicy[] = [];
  for (const item of block.items) {
    if (item.kind === 'block' && item.type === 'dynamic' && item.labels[0] === 'inline_policy') {
      throw ctx.unsupported(item.start, 'a dynamic "inline_policy" block: its policies are computed', 'Write the inline_policy blocks out, or name another site.');
    }
    if (item.kind !== 'block' || item.type !== 'inline_policy') continue;
    const policy = attribute(item, 'policy');
    inline.push({ block: item, ...(policy ? { policy: readPolicyArgument(ctx, policy) } : {}) });
  }
  const attr = attribute(block, 'managed_policy_arns');
  const managed = attr ? { attr, values: stringList(ctx, attr.expr, 'managed_policy_arns', { ampersand: false, scalarOk: false }) } : undefined;
  return { inline, ...(managed ? { managed } : {}) };
}

/**
 * The `policy_arn` of an aws_iam_role_policy_attachment. A block with `for_each` or `count` attaches several
 * policies (or none), so it is not one attachment the editor could keep or remove: refused.
 */
export function readAttachment(ctx: ReadContext, block: HclBlock): { attr: HclAttribute; policy: string } {
  const repeated = attribute(block, 'for_each') ?? attribute(block, 'count');
  if (repeated) {
    throw ctx.unsupported(repeated.start, `${addressOf({ type: 'resource', labels: block.labels })} uses ${repeated.name}: one block, several attachments`, 'Write one aws_iam_role_policy_attachment per policy, or keep this one out of the configuration.');
  }
  const attr = attribute(block, 'policy_arn');
  if (!attr) throw ctx.unsupported(block.start, `${addressOf({ type: 'resource', labels: block.labels })} has no policy_arn`);
  return { attr, policy: stringValue(ctx, attr.expr, 'policy_arn', false) };
}
