/**
 * The editor of JSON policy files (format `json`): the whole file is a policy document, or a JSON pointer
 * (RFC 6901) names one inside it (`/Policies/0/PolicyDocument`). Only the `Statement` value's text changes;
 * the file's indentation, line breaks, key spacing and single-line lists are kept, and a `Statement` written as
 * one object stays one while the edit has one statement. JSON policy files have no references.
 */

import { placeStatements } from './align.js';
import { JsonEmitter } from './json-emit.js';
import { parseJsonTree } from './json-tree.js';
import { checkWritten, iacError, readContext, treeFailure, withLayout } from './site-context.js';
import { readStatementList } from './statements.js';
import { statementStyle, writeSlot, type StatementSlot } from './statement-write.js';
import { hasReference, type GrantSite, type IacEditor, type SiteEdit, type SiteGrants } from './types.js';
import { pairOf, positionAt, type TNode, type TTree } from './tree.js';
import type { NewValue } from './emit.js';

type JsonSite = Extract<GrantSite, { format: 'json' }>;

interface JsonSiteModel {
  tree: TTree;
  grants: SiteGrants;
  slot: StatementSlot;
}

/** Split a JSON pointer into its reference tokens (`~1` is `/`, `~0` is `~`). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new SyntaxError(`a JSON pointer starts with "/": ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolvePointer(tree: TTree, site: JsonSite): TNode {
  let segments: string[];
  try {
    segments = pointerSegments(site.pointer ?? '');
  } catch (e) {
    throw iacError('iac-site-not-found', site, tree.text, undefined, (e as Error).message);
  }
  let node = tree.root;
  let at = '';
  for (const segment of segments) {
    const next = node.kind === 'map' ? pairOf(node, segment)?.value : node.kind === 'seq' && /^(0|[1-9]\d*)$/.test(segment) ? node.items[Number(segment)] : undefined;
    if (!next) {
      const here = node.kind === 'map' ? `keys at ${at || '/'}: ${node.pairs.map((p) => p.key).join(', ') || 'none'}` : node.kind === 'seq' ? `${at || '/'} is a list of ${node.items.length}` : `${at || '/'} is a single value`;
      throw iacError('iac-site-not-found', site, tree.text, node.start, `no value at pointer ${site.pointer} (no "${segment}"); ${here}`);
    }
    node = next;
    at += `/${segment}`;
  }
  return node;
}

function model(text: string, site: JsonSite): JsonSiteModel {
  const tree = parseJsonTree(text, treeFailure(site, text));
  const doc = resolvePointer(tree, site);
  const statementPair = pairOf(doc, 'Statement');
  if (!statementPair) {
    const what = doc.kind === 'map' ? `keys: ${doc.pairs.map((p) => p.key).join(', ') || 'none'}` : 'not an object';
    throw iacError('iac-site-not-found', site, text, doc.start, `${site.pointer ? `the value at ${site.pointer}` : 'the file'} is not a policy document with a Statement (${what})`);
  }
  const ctx = readContext(tree, site, { intrinsics: false });
  const list = readStatementList(statementPair.value, ctx, site.file);
  const grants: SiteGrants = { site, statements: list.statements, attachments: [], templates: [], references: [], position: positionAt(tree, doc.start) };
  return { tree, grants, slot: { node: statementPair.value, statements: list.statements, nodes: list.nodes } };
}

/** Reads and edits policy documents in JSON files. */
export const jsonEditor: IacEditor = {
  format: 'json',
  read(text, site) {
    return model(text, asJsonSite(site)).grants;
  },
  write(text, site, edit) {
    return withLayout(site, text, () => writeJson(text, asJsonSite(site), edit));
  },
};

/** Write the edit's statements at the site; the result must read back as the edit. */
function writeJson(text: string, site: JsonSite, edit: SiteEdit): string {
  const m = model(text, site);
  refuseWhatJsonCannotHold(m, site, edit);
  const emitter = new JsonEmitter(m.tree);
  const style = statementStyle(m.tree, m.slot.nodes, (value): NewValue => ({ kind: 'str', value }));
  writeSlot(emitter, m.slot, placeStatements([m.slot.statements], edit.statements)[0], style);
  const written = emitter.result();
  checkWritten((t) => model(t, site).grants, written, edit, site);
  return written;
}

function asJsonSite(site: GrantSite): JsonSite {
  if (site.format !== 'json') throw new TypeError(`the JSON editor was given a ${site.format} site`);
  return site;
}

function refuseWhatJsonCannotHold(m: JsonSiteModel, site: JsonSite, edit: SiteEdit): void {
  const at = m.slot.node.start;
  if (edit.attachments.length > 0 || edit.templates.length > 0) {
    throw iacError('iac-unsupported', site, m.tree.text, at, 'a JSON policy document cannot hold managed-policy attachments or SAM policy templates');
  }
  const strings = edit.statements.flatMap((s) => [...(s.action ?? []), ...(s.notAction ?? []), ...(s.resource ?? []), ...(s.notResource ?? [])]);
  if (strings.some(hasReference)) {
    throw iacError('iac-unsupported', site, m.tree.text, at, 'the edit holds an infrastructure reference, which a JSON policy document cannot express; resolve it first');
  }
}
