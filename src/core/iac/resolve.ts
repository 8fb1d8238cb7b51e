/**
 * What the references of infrastructure code stand for (issue 10 §2): each source the user gives (`--tf-state
 * FILE`, a deployed CloudFormation stack, a parameter file) yields one map from an `IacReference.key` to the
 * literal it resolves to; the maps are merged, and a policy string's tokens are replaced where their reference
 * resolves. A reference no source resolves stays a token, so the trim treats it as an opaque symbol and the pull
 * request says which references were left as written.
 *
 * The keys are the editors' spellings (`types.ts`): Terraform traversals (`aws_s3_bucket.b.arn`,
 * `var.x`, `data.aws_region.current.name`), CloudFormation `Ref:LOGICAL` / `GetAtt:LOGICAL.ATTRIBUTE`, serverless
 * variables (`self:custom.table`). A source only ever adds keys it knows the value of: a value it cannot vouch
 * for (a masked NoEcho parameter, what may be a list) is reported in `skipped`, never guessed.
 */

import { InvariantError, PolicyTrimError } from '../errors.js';
import { REFERENCE_TOKEN, type IacReference, type ReferenceTable } from './types.js';

/** `IacReference.key` → the literal it resolves to. */
export type ReferenceValues = ReadonlyMap<string, string>;

/** A reference a source knows of but does not resolve, and why (for the pull request body and --debug). */
export interface SkippedReference {
  key: string;
  reason: string;
}

/** The values one source gives, named for messages (`--tf-state state.json`, `stack orders-api (eu-west-1)`). */
export interface ReferenceSource {
  name: string;
  values: ReferenceValues;
  /** Keys the source has but deliberately leaves unresolved. */
  skipped: readonly SkippedReference[];
}

/** Two sources that give one key different values; the first one's value is kept. */
export interface ReferenceConflict {
  key: string;
  kept: { source: string; value: string };
  other: { source: string; value: string };
  /** One sentence naming the key, both values and both sources. */
  message: string;
}

/** What {@link mergeReferenceValues} returns. */
export interface MergedReferenceValues {
  values: ReferenceValues;
  /** Conflicts, in the order met; the caller decides how to show them (nothing is printed here). */
  warnings: ReferenceConflict[];
}

/**
 * Merges the maps of several sources into one. The first source that has a key wins: the caller passes them in
 * its order of trust (the command line's order). A later source giving the same key another value is a warning
 * listing both values and where each came from; the same value twice is not.
 * Plain maps are accepted too and named `source 1`, `source 2`, … in warnings.
 */
export function mergeReferenceValues(...sources: ReadonlyArray<ReferenceSource | ReferenceValues>): MergedReferenceValues {
  const values = new Map<string, string>();
  const from = new Map<string, string>();
  const warnings: ReferenceConflict[] = [];
  sources.forEach((s, i) => {
    const named = isNamedSource(s) ? s : { name: `source ${i + 1}`, values: s };
    for (const [key, value] of named.values) {
      const had = values.get(key);
      if (had === undefined) {
        values.set(key, value);
        from.set(key, named.name);
      } else if (had !== value) {
        warnings.push(conflict(key, { source: from.get(key)!, value: had }, { source: named.name, value }));
      }
    }
  });
  return { values, warnings };
}

function isNamedSource(s: ReferenceSource | ReferenceValues): s is ReferenceSource {
  // A Map has no `name`; a ReferenceSource always has one.
  return typeof (s as Partial<ReferenceSource>).name === 'string';
}

function conflict(key: string, kept: ReferenceConflict['kept'], other: ReferenceConflict['other']): ReferenceConflict {
  return {
    key,
    kept,
    other,
    message:
      `${key} is ${JSON.stringify(kept.value)} in ${kept.source} but ${JSON.stringify(other.value)} in ${other.source}; ` +
      `using the value from ${kept.source}.`,
  };
}

/** What {@link resolveTokens} returns. */
export interface ResolvedText {
  /** The value with every resolvable token replaced by its literal; other tokens stay as they were. */
  text: string;
  /** The references of the tokens left in `text`, once each, in order of first appearance. */
  unresolved: IacReference[];
}

/**
 * Replaces each reference token of `value` (an index into `table`) whose reference's key has a value; the
 * others stay tokens and are listed. A token with no entry in `table` is a bug of the caller (the table is the one
 * the value was read with), so it throws InvariantError rather than passing an unknown token on.
 */
export function resolveTokens(value: string, table: ReferenceTable, values: ReferenceValues): ResolvedText {
  const unresolved: IacReference[] = [];
  const seen = new Set<string>();
  const text = value.replace(REFERENCE_TOKEN, (token, index: string) => {
    const ref = table[Number(index)];
    if (!ref) throw new InvariantError(`reference token ${index} has no entry in the site's reference table (${table.length} entries)`);
    const literal = values.get(ref.key);
    if (literal !== undefined) return literal;
    if (!seen.has(ref.key)) {
      seen.add(ref.key);
      unresolved.push(ref);
    }
    return token;
  });
  return { text, unresolved };
}

/** Stable codes of {@link ReferenceSourceError}. */
export type ReferenceSourceErrorCode =
  /** The file named by `--tf-state` is not the JSON of `terraform show -json`. */
  | 'tf-state-invalid'
  /** A parameter file is in none of the supported forms. */
  | 'cfn-parameters-invalid'
  /** The file could not be read at all. */
  | 'reference-file-unreadable';

/** A file given to resolve references with that cannot be used: names the file and what to run or write instead. */
export class ReferenceSourceError extends PolicyTrimError {
  declare readonly code: ReferenceSourceErrorCode;
  /** The file as the user named it. */
  readonly file: string;

  constructor(init: { code: ReferenceSourceErrorCode; file: string; message: string; hint?: string; cause?: unknown }) {
    super({ code: init.code, message: `${init.file}: ${init.message}`, hint: init.hint, source: 'user', cause: init.cause });
    this.file = init.file;
  }
}

/**
 * Whether a string value may stand for a list rather than one value: CloudFormation hands a list parameter
 * (`CommaDelimitedList`, `List<…>`) to `Ref` as its items joined by commas (`DescribeStacks`' ParameterValue),
 * and a parameter file cannot say which parameters are lists. An ARN or a resource name never holds a comma, so
 * such a value is skipped rather than resolved into one string that matches nothing.
 */
export function mayBeList(value: string): boolean {
  return value.includes(',');
}
