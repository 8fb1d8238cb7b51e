/**
 * The golden before/after checks every editor case runs (fixtures under test/iac/fixtures/<format>/<case>/;
 * `UPDATE_GOLDEN=1` rewrites the after-files, review them by hand):
 * - a read finds the expected statements, attachments, templates and references (tokens as `{{key}}`);
 * - writing the edit (actions removed, a resource narrowed, …) gives the golden after-file, and every line it
 *   changed lies inside the site;
 * - the written file reads back as the edit (references compared by key);
 * - writing back what was read changes nothing.
 */

import { describe, expect, it } from 'vitest';
import { comparableGrants } from '../../src/core/iac/site-context.js';
import type { Statement } from '../../src/core/policy/types.js';
import type { GrantSite, IacEditor, SamTemplateUse } from '../../src/core/iac/types.js';
import { changedRanges, editOf, fixture, golden, keyedGrants, sameAsRead, siteLines } from './support.js';

/** What a read finds, tokens as `{{key}}`. */
export interface ExpectedRead {
  statements: Statement[];
  attachments?: string[];
  templates?: SamTemplateUse[];
  inherited?: Array<{ from: string; statements: Statement[]; attachments: string[] }>;
}

/** One before/after case. */
export interface EditorCase {
  name: string;
  editor: IacEditor;
  /** Fixture paths under test/iac/fixtures. */
  before: string;
  after: string;
  site: GrantSite;
  read: ExpectedRead;
  /** [key, written] of each reference, in table order. */
  references?: Array<[string, string]>;
  /** The edit, tokens as `{{key}}`. */
  edit: { statements: Statement[]; attachments?: string[]; templates?: SamTemplateUse[] };
}

/** Run the golden checks of each case. */
export function describeCases(cases: readonly EditorCase[]): void {
  for (const c of cases) {
    describe(c.name, () => {
      const text = fixture(c.before);
      const grants = () => c.editor.read(text, c.site);
      const edit = () => editOf(grants(), c.edit.statements, c.edit.attachments ?? [], c.edit.templates ?? []);

      it('reads the site', () => {
        const g = grants();
        expect(keyedGrants(g)).toEqual({ attachments: [], templates: [], ...c.read });
        expect(g.references.map((r) => [r.key, r.written])).toEqual(c.references ?? []);
      });

      it('writes the golden after-file, changing only lines inside the site', () => {
        const written = c.editor.write(text, c.site, edit());
        expect(written).toBe(golden(written, c.after));
        const [first, last] = siteLines(text, c.site);
        const ranges = changedRanges(text, written);
        expect(ranges.length).toBeGreaterThan(0);
        for (const [from, to] of ranges) {
          expect(from, `changed lines ${from}-${to} start inside the site (${first}-${last})`).toBeGreaterThanOrEqual(first);
          expect(to, `changed lines ${from}-${to} end inside the site (${first}-${last})`).toBeLessThanOrEqual(last);
        }
      });

      it('reads back what it wrote', () => {
        const e = edit();
        const back = c.editor.read(c.editor.write(text, c.site, e), c.site);
        expect(comparableGrants(back)).toBe(comparableGrants(e));
        expect(keyedGrants(back).statements).toEqual(c.edit.statements);
      });

      it('writes back what it read without changing a byte', () => {
        expect(c.editor.write(text, c.site, sameAsRead(grants()))).toBe(text);
      });
    });
  }
}
