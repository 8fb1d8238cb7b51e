/**
 * The contract between `policy-trim pr` and the edit planner (src/core/iac/plan.ts): what the planner is
 * given (every site's file text, the values references resolve to, the documents of attached managed
 * policies, a way to compute a suggestion) and what it returns (one checked edit per file, with notes for
 * the pull request's body). Pure data: the command reads files and calls AWS; the planner does neither.
 */

import type { PolicyDocument } from '../policy/types.js';
import type { SuggestResult } from '../trim/suggest.js';
import type { TrimInput } from '../trim/types.js';
import type { SamTemplates } from './sam-templates.js';
import type { GrantSite, IacReference } from './types.js';

/** `IacReference.key` → the literal it stands for (from Terraform state, a deployed stack, parameter files). */
export type ReferenceValues = ReadonlyMap<string, string>;

/** One `defined-in` site with the text of its file, as read by the command. */
export interface SiteText {
  site: GrantSite;
  text: string;
}

/** What the planner needs. */
export interface PlanInput {
  /** The role's ARN (for notes and the never-wider proof's messages). */
  role: string;
  /** Every site of the role, in configuration order; several sites may share one file. */
  sites: SiteText[];
  /** What references resolve to; a key absent here is unresolved (kept as written, trimmed at action level). */
  values: ReferenceValues;
  /**
   * Documents of managed policies attached at the sites, by the attachment as resolved (an ARN); an
   * attachment absent here cannot be trimmed and is kept, with a note.
   */
  managedPolicies: ReadonlyMap<string, PolicyDocument>;
  /**
   * Why the documents of the role's managed policies could not be read (e.g. the role could not be read from
   * IAM), when they could not. Said only in the note of each attachment kept for want of its document: a role
   * that attaches nothing, or only policies other sites define, has nothing unknown and gets no note.
   */
  managedPoliciesUnread?: string;
  /**
   * The suggestion for some documents, with the command's usage, catalog, knowledge, recording and options
   * bound: the planner asks it for each statement it may change (so each site keeps its own statements) and
   * once for the whole grant (for the pull request's body).
   */
  suggestFor(documents: PolicyDocument[]): SuggestResult;
  /** Write resolved literals instead of the references as written (`--inline-resolved`). */
  inlineResolved?: boolean;
  /**
   * The bundled SAM policy template definitions (added with the planner): without them a template use is kept
   * as written, counted nowhere, and a note says so.
   */
  samTemplates?: SamTemplates;
  /**
   * What `suggestFor` is bound to (added with the planner), for the plan's own proof over the edited files:
   * never wider than `granted` over the catalog's actions, and every observed successful call `granted` allows
   * still allowed. Without it the plan checks that each file holds the plan (every statement's suggestion was
   * proven by `suggest` itself) and says in `PlanResult.notes` that the whole-plan proof did not run.
   */
  trimContext?: Omit<TrimInput, 'documents'>;
}

/** One file's edit: its text before and after, checked by parsing it back. */
export interface FileEdit {
  file: string;
  before: string;
  after: string;
  /** The sites of the file this edit changes. */
  sites: GrantSite[];
  /** Sentences for the pull request body: unresolved references, replaced attachments and templates. */
  notes: string[];
}

/** A reference the plan could not resolve, and where. */
export interface UnresolvedReference {
  site: GrantSite;
  reference: IacReference;
}

/** The planner's answer. */
export interface PlanResult {
  /** Files whose text changes (an unchanged file is absent). */
  edits: FileEdit[];
  /** What the repository grants, references resolved where possible (the original of the proof). */
  granted: PolicyDocument[];
  /** What it grants after the edits, in the same terms. */
  trimmed: PolicyDocument[];
  /** The whole-grant suggestion, for the body's findings. */
  suggestion: SuggestResult;
  unresolved: UnresolvedReference[];
  /**
   * Every note of the plan (added with the planner): those of each FileEdit, prefixed with their file, and those
   * of sites whose file is not edited (an attachment kept because its document is unknown) or of the plan as a
   * whole (a check that could not run).
   */
  notes?: string[];
}
