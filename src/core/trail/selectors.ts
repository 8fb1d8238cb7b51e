/**
 * CloudTrail event selectors as rules policy-trim can evaluate for a permission: basic `EventSelectors` and
 * `AdvancedEventSelectors` parsed into an OR of rules, each an AND of field conditions, and the question "would
 * a call of action A on resources matching R be recorded?" answered against them.
 *
 * Every answer errs towards "not recorded" (keeps more): a selector field policy-trim cannot evaluate
 * (`eventName`, `userIdentity.arn`, `errorCode`, …) makes that selector count as recording nothing, and a
 * resource pattern is "recorded" only when every ARN it can match is selected.
 *
 * Sources: CloudTrail API reference, `EventSelector`, `DataResource`, `AdvancedEventSelector` and
 * `AdvancedFieldSelector` (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/).
 */
import { isObject } from './extractors/common.js';
import { TrailConfigError } from './errors.js';
import { LEGACY_RESOURCE_PATTERN, hasWildcard, literalPrefix, literalSuffix, patternCovers, patternsIntersect } from '../wildcard.js';

/** One question to a recording. */
export interface RecordingQuery {
  /** Canonical action id (for messages). */
  action: string;
  /** eventSource whose events carry the action's calls, e.g. `kms.amazonaws.com`. */
  eventSource: string;
  /** Whether CloudTrail marks the calls read-only (List/Read access levels). */
  readOnly: boolean;
  /** Data-event resource type (`AWS::S3::Object`) when the calls are data events; undefined for management. */
  dataEventType?: string;
  /** Resource pattern the grant covers; `*` for every resource. Recorded only if all matching ARNs are. */
  resourcePattern: string;
  /** `global` for services recorded only in us-east-1 with global service events (IAM); default `regional`. */
  scope?: 'regional' | 'global';
}

/** Stable reason codes for "not recorded" answers (shared with `UnobservableReason.code`). */
export type NotRecordedCode = 'data-event-not-selected' | 'management-excluded' | 'region-not-covered';

/** Answer to a {@link RecordingQuery}. */
export type RecordingAnswer =
  | { recorded: true }
  | { recorded: false; code: NotRecordedCode; reason: string };

type Operator = 'Equals' | 'StartsWith' | 'EndsWith' | 'NotEquals' | 'NotStartsWith' | 'NotEndsWith';
const OPERATORS: Operator[] = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'];

interface FieldCondition {
  field: string;
  ops: Partial<Record<Operator, string[]>>;
}

/** Internal normal form: an OR of rules; each rule is an AND of field conditions. */
/** One selector rule: an AND of field conditions. */
export interface Rule {
  category: 'Management' | 'Data' | 'Other';
  conditions: FieldCondition[];
  /** Human label for notes, e.g. `AdvancedEventSelectors[1] "Log S3"`. */
  label: string;
}

/** Fields whose values trim can evaluate for a hypothetical call. Anything else makes a rule record nothing. */
const EVALUABLE_FIELDS = new Set(['eventCategory', 'resources.type', 'resources.ARN', 'readOnly', 'eventSource']);

/** Basic selectors: `DataResources.Values` that mean "every resource of the type" (DataResource API reference). */
const ALL_OF_TYPE = /^arn:[a-z-]+:(s3|lambda|dynamodb)(:::?)?$/;

function stringList(v: unknown, source: string, path: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new TrailConfigError(source, path, `expected a list of strings, found ${JSON.stringify(v)}`);
  }
  return v as string[];
}

/** Rules of basic `EventSelectors`; notes collect what the summary should say. */
export function parseBasic(selectors: unknown, source: string, notes: string[]): Rule[] {
  if (!Array.isArray(selectors)) {
    throw new TrailConfigError(source, 'EventSelectors', 'expected a list of event selectors');
  }
  const rules: Rule[] = [];
  selectors.forEach((sel, i) => {
    const at = `EventSelectors[${i}]`;
    if (!isObject(sel)) throw new TrailConfigError(source, at, 'expected an object');
    const rw = sel.ReadWriteType ?? 'All';
    if (rw !== 'All' && rw !== 'ReadOnly' && rw !== 'WriteOnly') {
      throw new TrailConfigError(source, `${at}.ReadWriteType`, `must be All, ReadOnly or WriteOnly, found ${JSON.stringify(rw)}`);
    }
    const rwCond: FieldCondition[] =
      rw === 'All' ? [] : [{ field: 'readOnly', ops: { Equals: [rw === 'ReadOnly' ? 'true' : 'false'] } }];
    // CloudTrail's default for IncludeManagementEvents is true (EventSelector API reference).
    const mgmt = sel.IncludeManagementEvents ?? true;
    if (typeof mgmt !== 'boolean') {
      throw new TrailConfigError(source, `${at}.IncludeManagementEvents`, `must be true or false, found ${JSON.stringify(mgmt)}`);
    }
    const excluded =
      sel.ExcludeManagementEventSources === undefined
        ? []
        : stringList(sel.ExcludeManagementEventSources, source, `${at}.ExcludeManagementEventSources`);
    if (mgmt) {
      const conditions = [...rwCond];
      if (excluded.length > 0) conditions.push({ field: 'eventSource', ops: { NotEquals: excluded } });
      rules.push({ category: 'Management', conditions, label: at });
    }
    const data = sel.DataResources ?? [];
    if (!Array.isArray(data)) throw new TrailConfigError(source, `${at}.DataResources`, 'expected a list');
    data.forEach((dr, k) => {
      const dat = `${at}.DataResources[${k}]`;
      if (!isObject(dr)) throw new TrailConfigError(source, dat, 'expected an object with Type and Values');
      if (typeof dr.Type !== 'string' || dr.Type === '') {
        throw new TrailConfigError(source, `${dat}.Type`, 'missing: expected a resource type such as AWS::S3::Object');
      }
      const values = stringList(dr.Values ?? [], source, `${dat}.Values`);
      const starts: string[] = [];
      const equals: string[] = [];
      if (values.some((v) => ALL_OF_TYPE.test(v))) {
        // Every resource of the type: no ARN condition at all.
        rules.push({
          category: 'Data',
          conditions: [...rwCond, { field: 'resources.type', ops: { Equals: [dr.Type] } }],
          label: dat,
        });
        return;
      }
      for (const v of values) {
        // S3 values are object-key prefixes (`arn:aws:s3:::bucket/` or `…/prefix`); for Lambda and DynamoDB a
        // full ARN names one function/table: compared exactly (records less than a prefix would; errs safe).
        if (dr.Type === 'AWS::S3::Object') starts.push(v);
        else equals.push(v);
      }
      if (values.length === 0) notes.push(`${dat} selects no resources (empty Values).`);
      const arnOps: Partial<Record<Operator, string[]>> = {};
      if (starts.length > 0) arnOps.StartsWith = starts;
      if (equals.length > 0) arnOps.Equals = equals;
      if (starts.length === 0 && equals.length === 0) return;
      // A basic selector's StartsWith and Equals lists are alternatives: model each as its own rule.
      for (const [op, list] of Object.entries(arnOps) as [Operator, string[]][]) {
        rules.push({
          category: 'Data',
          conditions: [
            ...rwCond,
            { field: 'resources.type', ops: { Equals: [dr.Type] } },
            { field: 'resources.ARN', ops: { [op]: list } },
          ],
          label: dat,
        });
      }
    });
  });
  return rules;
}

/** Rules of `AdvancedEventSelectors`; notes collect what the summary should say. */
export function parseAdvanced(selectors: unknown, source: string, notes: string[]): Rule[] {
  if (!Array.isArray(selectors)) {
    throw new TrailConfigError(source, 'AdvancedEventSelectors', 'expected a list of advanced event selectors');
  }
  const rules: Rule[] = [];
  selectors.forEach((sel, i) => {
    const at = `AdvancedEventSelectors[${i}]`;
    if (!isObject(sel)) throw new TrailConfigError(source, at, 'expected an object');
    const label = typeof sel.Name === 'string' && sel.Name !== '' ? `${at} "${sel.Name}"` : at;
    if (!Array.isArray(sel.FieldSelectors) || sel.FieldSelectors.length === 0) {
      throw new TrailConfigError(source, `${at}.FieldSelectors`, 'missing or empty: each advanced selector needs FieldSelectors');
    }
    const conditions: FieldCondition[] = [];
    sel.FieldSelectors.forEach((fs: unknown, k: number) => {
      const fat = `${at}.FieldSelectors[${k}]`;
      if (!isObject(fs)) throw new TrailConfigError(source, fat, 'expected an object with Field and operators');
      if (typeof fs.Field !== 'string' || fs.Field === '') {
        throw new TrailConfigError(source, `${fat}.Field`, 'missing: expected a field name such as eventCategory');
      }
      const ops: Partial<Record<Operator, string[]>> = {};
      for (const key of Object.keys(fs)) {
        if (key === 'Field') continue;
        if (!(OPERATORS as string[]).includes(key)) {
          throw new TrailConfigError(source, `${fat}.${key}`, `unknown operator; expected one of ${OPERATORS.join(', ')}`);
        }
        ops[key as Operator] = stringList(fs[key], source, `${fat}.${key}`);
      }
      if (Object.keys(ops).length === 0) {
        throw new TrailConfigError(source, fat, `field ${fs.Field} has no operator (Equals, StartsWith, …)`);
      }
      conditions.push({ field: fs.Field, ops });
    });
    const catCond = conditions.find((c) => c.field === 'eventCategory');
    const cats = catCond?.ops.Equals;
    if (!catCond || !cats || cats.length !== 1) {
      throw new TrailConfigError(source, `${at}.FieldSelectors`, 'needs exactly one eventCategory field with Equals [Management|Data|NetworkActivity]');
    }
    const category = cats[0] === 'Management' ? 'Management' : cats[0] === 'Data' ? 'Data' : 'Other';
    const unknown = conditions.filter((c) => !EVALUABLE_FIELDS.has(c.field)).map((c) => c.field);
    if (unknown.length > 0) {
      notes.push(
        `${label} filters on ${[...new Set(unknown)].join(', ')}, which policy-trim cannot evaluate for a permission: ` +
          'it is treated as recording nothing, so actions it alone would show are kept as unobservable.',
      );
    }
    rules.push({ category, conditions, label });
  });
  return rules;
}

/** Evaluate one string-valued field condition against a literal value. */
function literalHolds(ops: Partial<Record<Operator, string[]>>, value: string): boolean {
  if (ops.Equals && !ops.Equals.includes(value)) return false;
  if (ops.StartsWith && !ops.StartsWith.some((v) => value.startsWith(v))) return false;
  if (ops.EndsWith && !ops.EndsWith.some((v) => value.endsWith(v))) return false;
  if (ops.NotEquals && ops.NotEquals.includes(value)) return false;
  if (ops.NotStartsWith && ops.NotStartsWith.some((v) => value.startsWith(v))) return false;
  if (ops.NotEndsWith && ops.NotEndsWith.some((v) => value.endsWith(v))) return false;
  return true;
}

/**
 * True when every ARN matched by `pattern` satisfies the ARN condition (sound, may say no when unsure). The
 * pattern's text is read as the prefix and suffix tests read it: `*`/`?` are wildcards, `${…}` is text
 * (`LEGACY_RESOURCE_PATTERN`); a policy variable in the pattern is not modelled here.
 */
function arnPatternHolds(ops: Partial<Record<Operator, string[]>>, pattern: string): boolean {
  if (!hasWildcard(pattern)) return literalHolds(ops, pattern);
  const prefix = literalPrefix(pattern);
  const suffix = literalSuffix(pattern);
  if (ops.Equals) return false; // a wildcard pattern matches more than any finite list can name
  if (ops.StartsWith && !ops.StartsWith.some((v) => prefix.startsWith(v))) return false;
  if (ops.EndsWith && !ops.EndsWith.some((v) => suffix.endsWith(v))) return false;
  if (ops.NotEquals && ops.NotEquals.some((v) => patternCovers(pattern, v, LEGACY_RESOURCE_PATTERN))) return false;
  if (ops.NotStartsWith && ops.NotStartsWith.some((v) => patternsIntersect(pattern, escapeLiteral(v) + '*', LEGACY_RESOURCE_PATTERN))) return false;
  if (ops.NotEndsWith && ops.NotEndsWith.some((v) => patternsIntersect(pattern, '*' + escapeLiteral(v), LEGACY_RESOURCE_PATTERN))) return false;
  return true;
}

/** Selector values are literals; `*`/`?` inside them cannot be represented, so replace them by `?` (sound: wider). */
function escapeLiteral(v: string): string {
  return v.replace(/[*?]/g, '?');
}

/** Does one rule record a call matching the query? */
export function ruleRecords(rule: Rule, q: RecordingQuery): boolean {
  const isData = q.dataEventType !== undefined;
  if (rule.category === 'Other') return false;
  if (isData !== (rule.category === 'Data')) return false;
  let sawType = false;
  for (const c of rule.conditions) {
    switch (c.field) {
      case 'eventCategory':
        break;
      case 'resources.type':
        sawType = true;
        if (!isData || !literalHolds(c.ops, q.dataEventType!)) return false;
        break;
      case 'resources.ARN':
        if (!arnPatternHolds(c.ops, q.resourcePattern)) return false;
        break;
      case 'readOnly':
        if (!literalHolds(c.ops, q.readOnly ? 'true' : 'false')) return false;
        break;
      case 'eventSource':
        if (!literalHolds(c.ops, q.eventSource)) return false;
        break;
      default:
        return false; // cannot evaluate: assume this selector does not record the call
    }
  }
  // A data selector without resources.type selects no particular type: CloudTrail rejects it; record nothing.
  return !isData || sawType;
}

/** Why no rule records the query: the answer the summary shows. */
export function explainMissing(rules: Rule[], q: RecordingQuery, source: string): RecordingAnswer {
  if (q.dataEventType !== undefined) {
    const anyForType = rules.some(
      (r) => r.category === 'Data' && r.conditions.some((c) => c.field === 'resources.type' && literalHolds(c.ops, q.dataEventType!)),
    );
    const where = q.resourcePattern === '*' ? 'every resource' : q.resourcePattern;
    return {
      recorded: false,
      code: 'data-event-not-selected',
      reason: anyForType
        ? `calls of ${q.action} are CloudTrail data events (${q.dataEventType}); the selectors in ${source} record them only for some resources, not provably for ${where}`
        : `calls of ${q.action} are CloudTrail data events (${q.dataEventType}), which ${source} does not record (data events are off unless selected)`,
    };
  }
  const mgmt = rules.filter((r) => r.category === 'Management');
  let why = 'management events are not recorded';
  if (mgmt.length > 0) {
    const excludedSource = mgmt.every((r) =>
      r.conditions.some((c) => c.field === 'eventSource' && !literalHolds(c.ops, q.eventSource)),
    );
    const rwBlocked = mgmt.every((r) =>
      r.conditions.some((c) => c.field === 'readOnly' && !literalHolds(c.ops, q.readOnly ? 'true' : 'false')),
    );
    if (excludedSource) why = `management events from ${q.eventSource} are excluded`;
    else if (rwBlocked) why = `only ${q.readOnly ? 'write' : 'read-only'} management events are recorded`;
    else why = 'no management-event selector provably records them';
  }
  return {
    recorded: false,
    code: 'management-excluded',
    reason: `calls of ${q.action} are management events from ${q.eventSource}, but in ${source} ${why}`,
  };
}
