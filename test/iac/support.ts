/**
 * Helpers for the JSON, CloudFormation, SAM and serverless editor tests: statements written with `{{key}}` in
 * place of reference tokens (so expected values read like the file), edits built from a read, golden files,
 * and the lines a write changed.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { structuredPatch } from 'diff';
import type { Statement } from '../../src/core/policy/types.js';
import { parseTemplate } from '../../src/core/iac/cfn-sites.js';
import { pointerSegments } from '../../src/core/iac/json-editor.js';
import { parseJsonTree } from '../../src/core/iac/json-tree.js';
import { valueAt, valueOf, type TNode } from '../../src/core/iac/tree.js';
import { REFERENCE_TOKEN, referenceToken, type GrantSite, type IacReference, type ReferenceTable, type SamTemplateUse, type SiteEdit, type SiteGrants } from '../../src/core/iac/types.js';

/** test/iac/fixtures. */
export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** `UPDATE_GOLDEN=1` rewrites the golden after-files (review the diff by hand). */
export const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** A fixture file's text (path under test/iac/fixtures). */
export function fixture(path: string): string {
  return readFileSync(join(FIXTURES, path), 'utf8');
}

/** The golden file's text, after writing `actual` to it under UPDATE_GOLDEN=1. */
export function golden(actual: string, path: string): string {
  if (UPDATE) writeFileSync(join(FIXTURES, path), actual);
  return fixture(path);
}

/** Every string of a statement through `f`. */
export function mapStatement(st: Statement, f: (s: string) => string): Statement {
  const out: Statement = { effect: st.effect };
  const block = (b: Record<string, string[]>) => Object.fromEntries(Object.entries(b).map(([k, vs]) => [k, vs.map(f)]));
  if (st.sid !== undefined) out.sid = st.sid;
  for (const k of ['action', 'notAction', 'resource', 'notResource'] as const) if (st[k] !== undefined) out[k] = st[k].map(f);
  if (st.condition !== undefined) out.condition = Object.fromEntries(Object.entries(st.condition).map(([op, keys]) => [op, block(keys)]));
  if (st.principal !== undefined) out.principal = st.principal === '*' ? '*' : block(st.principal);
  if (st.notPrincipal !== undefined) out.notPrincipal = st.notPrincipal === '*' ? '*' : block(st.notPrincipal);
  return out;
}

/** A string with each token as `{{key}}`. */
export function keyed(value: string, refs: ReferenceTable): string {
  return value.replace(REFERENCE_TOKEN, (_m, i: string) => `{{${refs[Number(i)]!.key}}}`);
}

/** What a read found, tokens as `{{key}}`: statements, attachments, templates and inherited statements. */
export function keyedGrants(g: SiteGrants): { statements: Statement[]; attachments: string[]; templates: SamTemplateUse[]; inherited?: Array<{ from: string; statements: Statement[]; attachments: string[] }> } {
  const k = (v: string) => keyed(v, g.references);
  return {
    statements: g.statements.map((s) => mapStatement(s, k)),
    attachments: g.attachments.map((a) => k(a.policy)),
    templates: g.templates.map((t) => ({ template: t.template, parameters: Object.fromEntries(Object.entries(t.parameters).map(([p, v]) => [p, k(v)])) })),
    ...(g.inherited ? { inherited: g.inherited.map((i) => ({ from: i.from, statements: i.statements.map((s) => mapStatement(s, k)), attachments: i.attachments.map((a) => k(a.policy)) })) } : {}),
  };
}

/** `{{key}}` → the token of that key in `refs` (a key not there is added, written as `written(key)`). */
export function unkey(value: string, refs: IacReference[], written: (key: string) => string = (key) => key): string {
  return value.replace(/\{\{(.+?)\}\}(?!\})/g, (_m, key: string) => {
    let i = refs.findIndex((r) => r.key === key);
    if (i < 0) i = refs.push({ key, written: written(key) }) - 1;
    return referenceToken(i);
  });
}

/** An edit of a read: statements, attachments and templates written with `{{key}}`. */
export function editOf(g: SiteGrants, statements: Statement[], attachments: string[] = [], templates: SamTemplateUse[] = []): SiteEdit {
  const references = [...g.references];
  return {
    statements: statements.map((s) => mapStatement(s, (v) => unkey(v, references))),
    attachments: attachments.map((a) => ({ policy: unkey(a, references) })),
    templates: templates.map((t) => ({ template: t.template, parameters: Object.fromEntries(Object.entries(t.parameters).map(([p, v]) => [p, unkey(v, references)])) })),
    references,
  };
}

/** The edit that writes back exactly what was read. */
export function sameAsRead(g: SiteGrants): SiteEdit {
  return { statements: g.statements, attachments: g.attachments, templates: g.templates, references: g.references };
}

/** The 1-based line ranges of `before` that a write replaced (one per diff hunk, with no context lines). */
export function changedRanges(before: string, after: string): Array<[number, number]> {
  const patch = structuredPatch('before', 'after', before, after, undefined, undefined, { context: 0 });
  // A pure insertion (no old lines) is numbered by the line it goes before; it belongs to the line above.
  return patch.hunks.map((h) => (h.oldLines === 0 ? [h.oldStart - 1, h.oldStart - 1] : [h.oldStart, h.oldStart + h.oldLines - 1]));
}

/** The 1-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** An Allow statement. */
export function allow(action: string[], resource: string[], more: Partial<Statement> = {}): Statement {
  return { effect: 'Allow', action, resource, ...more };
}

/**
 * The lines of the site's owner in a file: the resource (CloudFormation, SAM), `provider` or the function
 * (serverless), the document the pointer names (JSON). A write may change lines inside it only.
 */
export function siteLines(text: string, site: GrantSite): [number, number] {
  const fail = (): never => {
    throw new Error('fixture does not parse');
  };
  let node: TNode | undefined;
  if (site.format === 'json') {
    node = parseJsonTree(text, fail).root;
    for (const segment of pointerSegments(site.pointer ?? '')) node = node?.kind === 'seq' ? node.items[Number(segment)] : valueOf(node, segment);
  } else {
    const root = parseTemplate(text, site).root;
    if (site.format === 'serverless') node = site.function === undefined ? valueOf(root, 'provider') : valueAt(root, ['functions', site.function]);
    else if (site.format === 'sam') node = valueAt(root, ['Resources', site.function]);
    else if (site.format === 'cloudformation') node = valueAt(root, ['Resources', site.resource]);
  }
  if (!node) throw new Error('no site node in the fixture');
  return [lineOf(text, node.start), lineOf(text, node.end)];
}
