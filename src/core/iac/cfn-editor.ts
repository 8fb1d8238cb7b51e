/**
 * The editors of CloudFormation (`cloudformation`) and SAM (`sam`) templates, YAML or JSON: reading a site
 * (`cfn-sites.ts`) and writing an edit in place. Statements are patched where they stand; an inline policy or
 * SAM document the edit empties goes with its list entry (a named role policy keeps an empty `Statement`);
 * attachments and SAM templates the edit drops leave their lists, new ones are appended; new references are
 * written in the template's own style (short-form tags or long-form `Fn::` maps). The written text is read back
 * and must hold the edit, or nothing is returned.
 */

import { placeStatements, type Placement } from './align.js';
import { readCfnModel, type CfnModel, type CfnSite, type GrantItem } from './cfn-sites.js';
import type { Emitter, ListEntry, NewValue } from './emit.js';
import { keepAndAdd, localEdit, quoteOfFirst, templateKey, templateValue, usesShortForm, writeAttachmentList, type LocalEdit } from './grant-write.js';
import { JsonEmitter } from './json-emit.js';
import { cfnStringWriter } from './ref-writer.js';
import { checkWritten, iacError, withLayout } from './site-context.js';
import { statementStyle, statementValue, writeSlot, type StatementStyle } from './statement-write.js';
import type { GrantSite, IacEditor, IacFormat, SiteEdit } from './types.js';
import { YamlEmitter } from './yaml-emit.js';

/** A `Statement` list as a new policy document (`Version` first, as IAM's examples write it). */
function documentValue(statements: readonly Placement[], style: StatementStyle): NewValue {
  return {
    kind: 'map',
    entries: [
      ['Version', { kind: 'str', value: '2012-10-17', quote: 'single' }],
      ['Statement', { kind: 'list', items: statements.map((p) => statementValue(p.statement, style)) }],
    ],
  };
}

function asCfnSite(site: GrantSite, format: IacFormat): CfnSite {
  if (site.format !== format || (site.format !== 'cloudformation' && site.format !== 'sam')) throw new TypeError(`the ${format} editor was given a ${site.format} site`);
  return site;
}

function writeTemplate(text: string, site: CfnSite, edit: SiteEdit): string {
  const m = readCfnModel(text, site);
  const local = localEdit(edit, m.ctx.refs);
  const emitter: Emitter = m.tree.syntax === 'yaml' ? new YamlEmitter(m.tree) : new JsonEmitter(m.tree);
  const writer = cfnStringWriter({ tree: m.tree, refs: m.ctx.refs, shortForm: usesShortForm(m.tree) });
  const slots = m.document ? [m.document] : m.docItems.flatMap((d) => (d.kind === 'doc' ? [d.slot] : []));
  const style = statementStyle(m.tree, slots.flatMap((s) => s.nodes), writer);
  if (m.document) {
    refuseNonStatements(m, site, local);
    writeSlot(emitter, m.document, placeStatements([m.document.statements], local.statements)[0], style);
  } else if (site.format === 'sam') {
    writeSamPolicies(m, local, emitter, style);
  } else {
    if (local.templates.length > 0) throw iacError('iac-unsupported', site, text, m.properties.start, 'a role cannot hold SAM policy templates');
    writeRolePolicies(m, site, local, emitter, style);
    const items = m.attachmentItems.map((i) => i as { node: GrantItem['node']; value: string });
    writeAttachmentList(emitter, { list: m.attachmentList, items, parent: m.properties, key: 'ManagedPolicyArns' }, local.attachments, writer, m.ctx.unsupported);
  }
  const written = emitter.result();
  checkWritten((t) => readCfnModel(t, site).grants, written, edit, site);
  return written;
}

function refuseNonStatements(m: CfnModel, site: CfnSite, edit: LocalEdit): void {
  if (edit.attachments.length > 0 || edit.templates.length > 0) {
    throw iacError('iac-unsupported', site, m.tree.text, m.properties.start, 'a policy resource holds statements only: attachments and SAM templates cannot be written here');
  }
}

/** A role's inline policies: each entry keeps its statements; an emptied entry goes (unless named by the site). */
function writeRolePolicies(m: CfnModel, site: CfnSite, edit: LocalEdit, emitter: Emitter, style: StatementStyle): void {
  const docs = m.docItems.filter((d): d is Extract<GrantItem, { kind: 'doc' }> => d.kind === 'doc');
  const placed = placeStatements(docs.map((d) => d.slot.statements), edit.statements);
  const list = m.docList?.kind === 'seq' ? m.docList : undefined;
  if (docs.length === 0) {
    if (edit.statements.length === 0) return;
    const name = (site.format === 'cloudformation' ? site.policy : undefined) ?? 'policy-trim';
    const entry: NewValue = { kind: 'map', entries: [['PolicyName', { kind: 'str', value: name }], ['PolicyDocument', documentValue(placed[0], style)]] };
    if (list) emitter.editList(list, [...list.items.map((_n, keep) => ({ keep })), { insert: entry }]);
    else emitter.addPair(m.properties, 'Policies', { kind: 'list', items: [entry] });
    return;
  }
  const removed = new Set(docs.filter((d, i) => !writeSlot(emitter, d.slot, placed[i], style)).map((d) => d.node));
  if (list && removed.size > 0) emitter.editList(list, list.items.flatMap((n, keep) => (removed.has(n) ? [] : [{ keep }])));
}

/**
 * A SAM function's `Policies`: inline documents patched (an emptied one removed), managed policies and templates
 * kept or removed, new ones appended (new statements as a new inline document when there is none).
 */
function writeSamPolicies(m: CfnModel, edit: LocalEdit, emitter: Emitter, style: StatementStyle): void {
  const items = m.docItems;
  const docs = items.filter((d): d is Extract<GrantItem, { kind: 'doc' }> => d.kind === 'doc');
  const placed = placeStatements(docs.map((d) => d.slot.statements), edit.statements);
  const attachments = items.map((i) => (i.kind === 'attachment' ? i.value : undefined));
  const a = keepAndAdd(attachments, edit.attachments, (v) => v ?? '\u0000none');
  const templates = items.map((i) => (i.kind === 'template' ? templateKey(i.use) : undefined));
  const t = keepAndAdd(templates, edit.templates.map(templateKey), (v) => v ?? '\u0000none');
  const keptDoc = (d: GrantItem) => {
    const i = docs.indexOf(d as (typeof docs)[number]);
    return placed[i].length > 0 || docs[i].slot.statements.length === 0;
  };
  const keep = items.map((item, i) => (item.kind === 'doc' ? keptDoc(item) : item.kind === 'attachment' ? a.kept.has(i) : t.kept.has(i)));
  const quote = quoteOfFirst(items.flatMap((i) => (i.kind === 'attachment' ? [i.node] : [])));
  const inserts: NewValue[] = [
    ...a.added.flatMap((v) => (v === undefined ? [] : [style.writer(v, quote)])),
    ...edit.templates.filter((u) => t.added.includes(templateKey(u))).map((u) => templateValue(u, style.writer)),
    ...(docs.length === 0 && edit.statements.length > 0 ? [documentValue(placed[0], style)] : []),
  ];
  const list = m.docList;
  if (!list) {
    if (inserts.length > 0) emitter.addPair(m.properties, 'Policies', { kind: 'list', items: inserts });
    return;
  }
  if (list.kind === 'seq' && list.tag === undefined) {
    docs.forEach((d, i) => keep[items.indexOf(d)] && writeSlot(emitter, d.slot, placed[i], style));
    const entries: ListEntry[] = [...keep.flatMap((k, i) => (k ? [{ keep: i }] : [])), ...inserts.map((insert) => ({ insert }))];
    emitter.editList(list, entries);
    return;
  }
  // One value (`Policies: AmazonS3ReadOnlyAccess`, or a single document): it stays one value while the edit
  // keeps exactly it; anything else becomes a list.
  if (keep[0] && inserts.length === 0) {
    if (docs.length > 0) writeSlot(emitter, docs[0].slot, placed[0], style);
    return;
  }
  const single: NewValue[] = keep[0] ? [docs.length > 0 ? documentValue(placed[0], style) : { kind: 'keep', node: list }] : [];
  emitter.replace(list, { kind: 'list', items: [...single, ...inserts] });
}

function cfnEditor(format: 'cloudformation' | 'sam'): IacEditor {
  return {
    format,
    read: (text, site) => readCfnModel(text, asCfnSite(site, format)).grants,
    write: (text, site, edit) => withLayout(site, text, () => writeTemplate(text, asCfnSite(site, format), edit)),
  };
}

/** Reads and edits IAM roles and policies in CloudFormation templates (YAML or JSON). */
export const cloudFormationEditor: IacEditor = cfnEditor('cloudformation');

/** Reads and edits the `Policies` of SAM functions (YAML or JSON templates). */
export const samEditor: IacEditor = cfnEditor('sam');
