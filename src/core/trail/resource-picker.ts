/**
 * Which of a call's candidate ARNs (from `resources[]` and from the request) an action was authorized on:
 * those of the action's own resource types, refined to the sub-resource the request names (an index, a
 * qualified function) and completed with the request's resources of types the record lacks.
 */

import type { ActionInfo, Catalog } from '../catalog/types.js';
import { compileArnTemplate, isParsableArn } from '../catalog/arn.js';
import type { ActionUse } from '../usage/types.js';

/**
 * An ARN template as a regex whose last variable matches anything (`:` and `/` too): the qualifier fallback
 * (see `acceptsLoose`), which then refuses a `/child` in that last part.
 */
export function templateRegex(template: string): RegExp {
  const parts = template.split(/(\$\{[^}]+\})/);
  let src = '';
  parts.forEach((part, i) => {
    if (/^\$\{[^}]+\}$/.test(part)) src += i === parts.length - 2 && parts[parts.length - 1] === '' ? '(.+)' : '([^:/]*)';
    else src += part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  });
  return new RegExp(`^${src}$`);
}

/**
 * Sub-resources IAM authorizes in place of the resource `resources[]` names: a DynamoDB Query or Scan with
 * `indexName` is authorized on `table/T/index/I` (DynamoDB Developer Guide, "Using IAM policy conditions for
 * fine-grained access control" and the Service Authorization Reference: Query/Scan take the `index` resource
 * type), and an Invoke of `NAME:ALIAS` or `NAME:VERSION` on the qualified function ARN, which a grant on the
 * unqualified ARN does not match (Lambda Developer Guide, "Fine-tuning the Resources and Conditions sections of
 * policies"). Each pattern matches the text after the record's ARN.
 */
const SUB_RESOURCE_SUFFIXES: readonly RegExp[] = [/^\/index\/[^/]+$/, /^:[^:/]+$/];

/** Resources of `resources[]` whose service authorizes a qualified form (see {@link SUB_RESOURCE_SUFFIXES}). */
const REFINABLE_RECORD_ARN = /^arn:[^:]+:(?:dynamodb:[^:]*:[^:]*:table\/[^/]+|lambda:[^:]*:[^:]*:function:[^:]+)$/;

/** The request ARNs that are sub-resources of `r` (see {@link SUB_RESOURCE_SUFFIXES}), or undefined. */
function subResourcesOf(r: string, request: string[]): string[] | undefined {
  let subs: string[] | undefined;
  for (const q of request) {
    if (q.length <= r.length || !q.startsWith(r)) continue;
    const rest = q.slice(r.length);
    if (!SUB_RESOURCE_SUFFIXES.some((re) => re.test(rest))) continue;
    if (subs) subs.push(q);
    else subs = [q];
  }
  return subs;
}

/**
 * Replaces each record ARN by the sub-resources the request names under it (an index of that table, a
 * qualified ARN of that function); returns `record` itself when nothing is refined, having built no list.
 */
function refineToSubResources(record: string[], request: string[]): string[] {
  if (request.length === 0) return record;
  let out: string[] | undefined;
  for (let i = 0; i < record.length; i++) {
    const r = record[i]!;
    const subs = REFINABLE_RECORD_ARN.test(r) ? subResourcesOf(r, request) : undefined;
    if (subs) {
      out ??= record.slice(0, i);
      out.push(...subs);
    } else out?.push(r);
  }
  return out ? [...new Set(out)] : record;
}

/** No candidates: read, never written. */
const NONE: readonly string[] = [];

/** Resources chosen for one action, and where they came from. */
export type ChosenResources = Pick<ActionUse, 'resources' | 'resourceBasis'>;

/**
 * Picks an action's resources among a call's candidates, over one catalog. Its caches are keyed on action ids
 * and resource types (pure functions of them) and bounded by the catalog; in practice a trail uses a few dozen.
 */
export class ResourcePicker {
  private readonly actions = new Map<string, ActionInfo | undefined>();
  private readonly templates = new Map<string, RegExp | undefined>();
  /**
   * Per action id: the compiled ARN templates of its resource types (the compilation the catalog's
   * `resourceTypesOfArn` uses), so "is this ARN one of the action's types" is a few regex tests instead of a
   * per-ARN catalog lookup that misses on nearly every S3 object key.
   */
  private readonly matchers = new Map<string, RegExp[]>();

  constructor(private readonly catalog: Catalog) {}

  /** The catalog entry of an action id (cached). */
  info(id: string): ActionInfo | undefined {
    let a = this.actions.get(id);
    if (a === undefined && !this.actions.has(id)) {
      a = this.catalog.action(id);
      this.actions.set(id, a);
    }
    return a;
  }

  /** The candidates of one of the action's resource types: exactly, else with only a `:qualifier` added. */
  pick(a: ActionInfo, candidates: string[]): string[] {
    return this.exactOf(a, candidates) ?? this.looseOf(a, candidates);
  }

  /**
   * The candidates the action takes exactly, or undefined when none (no list built: the common miss). A
   * candidate found in `known` (the record's, already judged) takes its verdict from `knownExact` instead of the
   * templates: a request ARN repeats a record ARN on every S3 object call and DynamoDB item call.
   */
  private exactOf(a: ActionInfo, candidates: string[], known: readonly string[] = NONE, knownExact: readonly string[] = NONE): string[] | undefined {
    let exact: string[] | undefined;
    for (const c of candidates) {
      if (!(known.includes(c) ? knownExact.includes(c) : this.acceptsExact(a, c))) continue;
      if (exact) exact.push(c);
      else exact = [c];
    }
    return exact;
  }

  /** The candidates the action takes with only a `:qualifier` added (see {@link acceptsLoose}). */
  private looseOf(a: ActionInfo, candidates: string[]): string[] {
    return candidates.filter((c) => this.acceptsLoose(a, c));
  }

  /** The resources of one action: an override, else the record's (refined and completed), else the request's, else `*`. */
  resourcesFor(actionId: string, fromRecord: string[], fromRequest: () => string[], override?: string[]): ChosenResources {
    const a = this.info(actionId);
    if (!a || a.resourceTypes.length === 0) return { resources: ['*'], resourceBasis: 'no-resource-type' };
    if (override && override.length > 0) {
      const chosen = this.pick(a, override);
      if (chosen.length > 0) return { resources: chosen, resourceBasis: 'request' };
    }
    const recExact = this.exactOf(a, fromRecord);
    const rec = recExact ?? this.looseOf(a, fromRecord);
    if (rec.length > 0) {
      // The request can only refine or complete the record's resources for an action of several resource types
      // or on a table or function ARN: otherwise skip building its candidates (most data events, every record).
      if (a.resourceTypes.length < 2 && !rec.some((r) => REFINABLE_RECORD_ARN.test(r))) return { resources: rec, resourceBasis: 'record' };
      const request = fromRequest();
      const req = this.exactOf(a, request, fromRecord, recExact) ?? this.looseOf(a, request);
      const refined = refineToSubResources(rec, req);
      const more = this.ofOtherTypes(a, refined, req);
      const out = more ? [...refined, ...more] : refined;
      return out === rec ? { resources: rec, resourceBasis: 'record' } : { resources: out, resourceBasis: 'request' };
    }
    const req = this.pick(a, fromRequest());
    if (req.length > 0) return { resources: req, resourceBasis: 'request' };
    return { resources: ['*'], resourceBasis: 'unidentified' };
  }

  private typeRegex(service: string, type: string): RegExp | undefined {
    const key = `${service}\u0000${type}`;
    if (!this.templates.has(key)) {
      const rt = this.catalog.resourceType(service, type);
      this.templates.set(key, rt ? templateRegex(rt.arnTemplate) : undefined);
    }
    return this.templates.get(key);
  }

  private matchersOf(a: ActionInfo): RegExp[] {
    let list = this.matchers.get(a.id);
    if (!list) {
      list = [];
      for (const t of a.resourceTypes) {
        const rt = this.catalog.resourceType(a.service, t.name);
        if (rt) list.push(compileArnTemplate(rt.arnTemplate).regex);
      }
      this.matchers.set(a.id, list);
    }
    return list;
  }

  /** A well-formed ARN fitting one of the action's templates (as `catalog.resourceTypesOfArn` would say). */
  private acceptsExact(a: ActionInfo, arn: string): boolean {
    if (arn === '*') return false;
    return this.typeIndex(a, arn) >= 0 && isParsableArn(arn);
  }

  /**
   * Qualifier fallback: the ARN fits a template with a last segment that only adds a `:qualifier` (a Lambda
   * `function:NAME:3` for lambda:InvokeFunction), never a `/child` (an S3 object is not a bucket).
   */
  private acceptsLoose(a: ActionInfo, arn: string): boolean {
    for (const t of a.resourceTypes) {
      const mm = this.typeRegex(a.service, t.name)?.exec(arn);
      if (mm && !(mm[mm.length - 1] ?? '').includes('/')) return true;
    }
    return false;
  }

  /** Index of the first of the action's resource types whose template `arn` fits (-1: none exactly). */
  private typeIndex(a: ActionInfo, arn: string): number {
    const list = this.matchersOf(a);
    for (let i = 0; i < list.length; i++) if (list[i]!.test(arn)) return i;
    return -1;
  }

  /**
   * Request ARNs of resource types none of `chosen` has, or undefined: a call authorized on two resources whose
   * record lists one (KMS CreateAlias: `resources[]` names the key, the request the alias; AWS checks both — AWS
   * KMS Developer Guide, "Controlling access to aliases").
   */
  private ofOtherTypes(a: ActionInfo, chosen: string[], request: string[]): string[] | undefined {
    if (request.length === 0 || a.resourceTypes.length < 2) return undefined;
    let out: string[] | undefined;
    let have: Set<number> | undefined;
    for (const r of request) {
      // A request ARN the record already gave (an S3 object call: always) is settled by a string compare,
      // before any template is tried; the types of `chosen` are computed only when one is not.
      if (chosen.includes(r)) continue;
      const t = this.typeIndex(a, r);
      if (t < 0) continue;
      have ??= new Set(chosen.map((c) => this.typeIndex(a, c)));
      if (have.has(t)) continue;
      if (out) out.push(r);
      else out = [r];
    }
    return out;
  }
}
