/**
 * What every editor does around a site: turn tree failures into IacErrors that name the file, line and what to
 * do; build the reading context; compare what a written file holds with the edit that was asked for.
 */

import type { ReadContext } from './cfn-intrinsics.js';
import { LayoutError } from './emit.js';
import { IacError, type IacErrorCode } from './errors.js';
import { statementKey } from './align.js';
import { ReferenceCollector } from './references.js';
import { lineStartsOf, positionAt, type TNode, type TTree } from './tree.js';
import { REFERENCE_TOKEN, type GrantSite, type ReferenceTable, type SiteEdit, type SiteGrants } from './types.js';
import type { TreeFailure } from './yaml-tree.js';

const HINTS: Record<IacErrorCode, string> = {
  'iac-site-not-found': 'Check the defined-in entry of .policy-trim.yml against the file.',
  'iac-parse-error': 'Fix the syntax of the file (or point defined-in at the right file) and run again.',
  'iac-unsupported': 'Edit this policy by hand, or write it out as plain statements so policy-trim can edit it.',
  'iac-edit-check-failed': 'This is a bug in policy-trim: nothing was written. Please report it with the file.',
};

/** An IacError at an offset of the text. */
export function iacError(code: IacErrorCode, site: GrantSite, text: string, offset: number | undefined, message: string): IacError {
  const position = offset === undefined ? undefined : positionAt({ lineStarts: lineStartsOf(text) }, offset);
  return new IacError({ code, site, message, hint: HINTS[code], position });
}

/** The failure callback of the tree builders for a site. */
export function treeFailure(site: GrantSite, text: string): TreeFailure {
  return (kind, message, offset) => {
    throw iacError(kind === 'syntax' ? 'iac-parse-error' : 'iac-unsupported', site, text, offset, message);
  };
}

/** A reading context for a site of a parsed file. */
export function readContext(tree: TTree, site: GrantSite, options: Partial<Pick<ReadContext, 'dialectVariable' | 'intrinsics'>> = {}): ReadContext {
  return {
    tree,
    refs: new ReferenceCollector(),
    ...options,
    unsupported: (message: string, node: TNode) => {
      throw iacError('iac-unsupported', site, tree.text, node.start, message);
    },
  };
}

/** A value with each token replaced by its reference's key, so two tables can be compared. */
export function byKey(value: string, table: ReferenceTable): string {
  return value.replace(REFERENCE_TOKEN, (_m, i: string) => `\u27E8${table[Number(i)]?.key ?? `?${i}`}\u27E9`);
}

/** What a site holds, with references spelled by key: equal for two reads that mean the same grants (attachments and templates in any order). */
export function comparableGrants(g: Pick<SiteGrants, 'statements' | 'attachments' | 'templates' | 'references'>): string {
  const keyed = (value: unknown) => byKey(JSON.stringify(value), g.references);
  // Statements keep their order (a Deny's place is meaningless to IAM, but a reader's diff is not); attachments
  // and templates are sets.
  return JSON.stringify({
    statements: g.statements.map((s) => byKey(statementKey(s), g.references)),
    attachments: g.attachments.map((a) => keyed(a.policy)).sort(),
    templates: g.templates.map((t) => keyed([t.template, Object.entries(t.parameters).sort()])).sort(),
  });
}

/**
 * Check that `written` holds the edit: read back, it has the edit's statements, attachments and templates,
 * references compared by key. A mismatch is policy-trim's bug; nothing may be written then.
 */
export function checkWritten(read: (text: string) => SiteGrants, written: string, edit: SiteEdit, site: GrantSite): void {
  let back: SiteGrants;
  try {
    back = read(written);
  } catch (e) {
    throw new IacError({ code: 'iac-edit-check-failed', site, message: `the edited file does not read back (${(e as Error).message})`, hint: HINTS['iac-edit-check-failed'], cause: e });
  }
  if (comparableGrants(back) !== comparableGrants(edit)) {
    throw new IacError({ code: 'iac-edit-check-failed', site, message: 'the edited file does not hold the planned policy', hint: HINTS['iac-edit-check-failed'] });
  }
}

/**
 * Run a write, turning a layout the emitter cannot splice without touching text it does not own (a sequence item
 * sharing its line with another `-`) into an IacError at that place: the file is then edited by hand.
 */
export function withLayout<T>(site: GrantSite, text: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    if (e instanceof LayoutError) throw iacError('iac-unsupported', site, text, e.offset, `this layout cannot be edited in place: ${e.message}`);
    throw e;
  }
}
