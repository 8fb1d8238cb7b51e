/**
 * `suggest --split-by-function`: one narrowed policy per function of a shared role, and a residual policy for
 * what the role did that no function did. Each is a `suggest` of its own — trimmed from the shared role's
 * policies and proved never wider than them and covering that part's own successful calls — so a function's
 * role can never grant what the shared role did not, and never lacks what its function was seen doing.
 *
 * What CloudTrail cannot show cannot be attributed to one function: by default each function keeps the shared
 * role's whole unobservable remainder (trim keeps it, with its reason); a function whose configuration lists what
 * it may do unseen keeps only that. The Lambda basics follow each function's
 * configuration when it is known: the VPC baseline is left out only for a function known to have no VPC, the
 * X-Ray one only for a function known not to trace actively (both only keep what the shared role grants).
 */
import type { Catalog } from '../catalog/types.js';
import type { PolicyDocument } from '../policy/types.js';
import type { CloudTrailKnowledge } from '../trail/knowledge-types.js';
import type { TrailRecording } from '../trail/recording.js';
import { suggest, type SuggestResult } from '../trim/suggest.js';
import type { KeptUsedFinding, TrimOptions } from '../trim/types.js';
import type { PrincipalUsage } from '../usage/types.js';
import type { Attribution, AttributionNote } from './attribute.js';

/** A function of the shared role, with what is known of its configuration. */
export interface SplitFunction {
  name: string;
  /** Whether it runs in a VPC (`VpcConfig`); undefined: not known. */
  vpc?: boolean;
  /** Its tracing mode; undefined: not known. */
  tracing?: 'active' | 'pass-through';
  /**
   * What it may do that CloudTrail cannot show (action patterns, from the configuration): it keeps only these of
   * the shared role's unobservable remainder. Undefined: all of it.
   */
  unobservable?: string[];
}

/** Everything the split needs, already read. */
export interface SplitInput {
  roleArn: string;
  documents: PolicyDocument[];
  functions: SplitFunction[];
  attribution: Attribution;
  catalog: Catalog;
  knowledge: CloudTrailKnowledge;
  recording: TrailRecording;
  /** Trim options shared by every part; `baselines` undefined means "the default, per function". */
  options: TrimOptions;
}

/** One function's part of the split. */
export interface FunctionSplit {
  name: string;
  usage: PrincipalUsage;
  result: SuggestResult;
  /** The baselines it was trimmed with. */
  baselines: string[];
  /** Whether it made an observable call in the window (else it keeps the unobservable remainder only). */
  observed: boolean;
  /** Why its usage is its own: sessions named after it, poller sources. */
  notes: AttributionNote[];
}

/** The whole split. */
export interface SplitResult {
  functions: FunctionSplit[];
  /** What the role did that no function did; undefined when nothing. */
  residual?: { usage: PrincipalUsage; result: SuggestResult; notes: AttributionNote[] };
  /** Function × service: how many actions each function keeps per service (the overlap at a glance). */
  matrix: { services: string[]; rows: { functionName: string; counts: number[] }[] };
}

/** The baselines a function is trimmed with, when none were asked for. */
export function functionBaselines(fn: SplitFunction): string[] {
  return ['lambda-basic', ...(fn.vpc === false ? [] : ['lambda-vpc']), ...(fn.tracing === 'pass-through' ? [] : ['lambda-xray'])];
}

/** Splits the shared role (throws InternalError, as `suggest` does, when a part fails its proofs). */
export function splitByFunction(input: SplitInput): SplitResult {
  const base = { documents: input.documents, catalog: input.catalog, knowledge: input.knowledge, recording: input.recording };
  const functions = [...input.functions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((fn): FunctionSplit => {
    const usage = input.attribution.byFunction.get(fn.name)!;
    const baselines = input.options.baselines ?? functionBaselines(fn);
    const narrowed = fn.unobservable !== undefined ? { keepUnobservableOnly: fn.unobservable } : {};
    const result = suggest({ ...base, usage, options: { ...input.options, ...narrowed, baselines, documentName: `${input.options.documentName ?? 'policy-trim'}-${fn.name}` } });
    const observed = usage.used.length + usage.denied.length + usage.failed.length > 0;
    return { name: fn.name, usage, result, baselines, observed, notes: input.attribution.notes.filter((n) => n.functionName === fn.name) };
  });
  const r = input.attribution.residual;
  const residual =
    r.used.length + r.denied.length + r.failed.length > 0
      ? {
          usage: r,
          result: suggest({ ...base, usage: r, options: { ...input.options, baselines: [], documentName: `${input.options.documentName ?? 'policy-trim'}-residual` } }),
          notes: input.attribution.notes.filter((n) => n.functionName === undefined),
        }
      : undefined;
  return { functions, ...(residual ? { residual } : {}), matrix: matrixOf(functions) };
}

/** Function × service counts of the actions each function keeps. */
function matrixOf(functions: FunctionSplit[]): SplitResult['matrix'] {
  const kept = functions.map((f) => keptActions(f.result));
  const services = [...new Set(kept.flatMap((k) => [...k].map((a) => a.slice(0, a.indexOf(':')))))].sort();
  return {
    services,
    rows: functions.map((f, i) => ({ functionName: f.name, counts: services.map((s) => [...kept[i]!].filter((a) => a.startsWith(`${s}:`)).length) })),
  };
}

/** The concrete actions a suggestion keeps (used, secondary, unobservable, baseline), from its evidence. */
export function keptActions(result: SuggestResult): Set<string> {
  const out = new Set<string>();
  for (const e of result.evidence) for (const a of e.actions) out.add(a.action);
  // Verbatim statements name their actions as written: the kept-used findings still say what was used.
  for (const f of result.findings) if (f.kind === 'kept-used') out.add((f as KeptUsedFinding).action);
  return out;
}
