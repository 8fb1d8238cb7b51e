/**
 * Reading a Terraform grant site: the address parsed, its block found, and what the block holds, kept with
 * the source ranges the writer needs.
 */

import type { GrantSite, ManagedAttachment, SiteEdit, SiteGrants } from './types.js';
import { IacError } from './errors.js';
import { positionAt } from './terraform-lexer.js';
import type { HclBlock } from './terraform-syntax.js';
import { readDataSource, type DataSourceRead } from './terraform-datasource.js';
import { jsonencodeLayout } from './terraform-jsonencode.js';
import { heredocLayout } from './terraform-heredoc.js';
import { attribute, findBlock, parseAddress, parseFile, readAttachment, readPolicyArgument, readRole, type Address, type PolicyDocumentRead, type RoleRead } from './terraform-sites.js';
import type { StatementLayout } from './terraform-statements.js';
import { ReadContext } from './terraform-values.js';

/** A GrantSite of the Terraform format. */
export type TerraformSite = Extract<GrantSite, { format: 'terraform' }>;

/** Everything a read found, for the writer. */
export interface SiteRead {
  ctx: ReadContext;
  site: TerraformSite;
  addr: Address;
  block: HclBlock;
  grants: SiteGrants;
  dataSource?: DataSourceRead;
  policy?: PolicyDocumentRead;
  role?: RoleRead;
  attachment?: ReturnType<typeof readAttachment>;
}

/** The site as a Terraform site, or `iac-unsupported`. */
function terraformSite(site: GrantSite): TerraformSite {
  if (site.format !== 'terraform') throw new IacError({ code: 'iac-unsupported', site, message: `the Terraform editor was given a ${site.format} site` });
  return site;
}

/** Read a site: find its block and what it holds. */
export function readSite(text: string, given: GrantSite): SiteRead {
  const site = terraformSite(given);
  const addr = parseAddress(site);
  const ctx = new ReadContext(text, site);
  const block = findBlock(ctx, parseFile(ctx), addr);
  const r: Omit<SiteRead, 'grants'> = { ctx, site, addr, block };
  const grants = (statements: SiteGrants['statements'], attachments: ManagedAttachment[], at: number): SiteGrants => ({
    site,
    statements,
    attachments,
    templates: [],
    references: ctx.references,
    position: positionAt(text, at),
  });
  switch (addr.kind) {
    case 'data-source': {
      const ds = readDataSource(ctx, block);
      const g = grants(ds.written.map((w) => w.statement), [], block.start);
      return { ...r, dataSource: ds, grants: ds.included.length > 0 ? { ...g, included: ds.included } : g };
    }
    case 'policy': {
      const attr = attribute(block, 'policy');
      if (!attr) throw ctx.unsupported(block.start, `${site.address} has no policy argument`);
      const policy = readPolicyArgument(ctx, attr);
      return { ...r, policy, grants: grants(policy.read.written.map((w) => w.statement), [], attr.expr.start) };
    }
    case 'role': {
      const role = readRole(ctx, block);
      const statements = role.inline.flatMap((p) => p.policy?.read.written.map((w) => w.statement) ?? []);
      return { ...r, role, grants: grants(statements, (role.managed?.values ?? []).map((policy) => ({ policy })), block.start) };
    }
    case 'attachment': {
      const attachment = readAttachment(ctx, block);
      return { ...r, attachment, grants: grants([], [{ policy: attachment.policy }], block.start) };
    }
  }
}

/** How a `policy` argument writes its statements. */
export function policyLayout(r: SiteRead, policy: PolicyDocumentRead, edit: SiteEdit): StatementLayout {
  return policy.kind === 'jsonencode' ? jsonencodeLayout(r.ctx.text, policy.read, edit.references) : heredocLayout(r.ctx.text, policy.read, edit.references);
}


/** `iac-unsupported` at the site's block. */
export function unsupported(r: SiteRead, message: string, hint?: string): IacError {
  return r.ctx.unsupported(r.block.start, message, hint);
}

