/**
 * The IAM actions one call needed, with their resources: the operation's primary action(s) (split per request
 * item for DynamoDB transactions and PartiQL), then every conditional secondary action whose trigger the
 * request shows.
 */

import type { ConditionalEntry, ResourceSpec, Trigger } from './tables.js';
import type { ResolvedOperation } from './event-mapping.js';
import type { ActionUse } from '../usage/types.js';
import { isPresent, someAt, valuesAt, type ExtractContext } from './extractors/common.js';
import { NAMED_EXTRACTORS, requestResources, splitPartiql, splitTransactItems, type SplitUse } from './extractors/index.js';
import type { ResourcePicker } from './resource-picker.js';

/** Trigger regexes of the conditional table, compiled once; keyed on the pattern text, bounded by the tables. */
const triggerRegexes = new Map<string, RegExp>();

function triggerRegex(pattern: string): RegExp {
  let re = triggerRegexes.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    triggerRegexes.set(pattern, re);
  }
  return re;
}

/** Why a conditional entry applies to this request (a sentence for the finding), or undefined. */
function triggered(when: Trigger, params: Record<string, unknown>): string | undefined {
  if ('always' in when) return when.always === true ? 'needed by every such call' : undefined;
  if ('present' in when) {
    const paths = when.present;
    const hit = typeof paths === 'string' ? (someAt(params, paths, isPresent) ? paths : undefined) : paths.find((p) => someAt(params, p, isPresent));
    return hit ? `requestParameters.${hit} present` : undefined;
  }
  if ('matches' in when) {
    const re = triggerRegex(when.matches.regex);
    return valuesAt(params, when.matches.path).some((v) => typeof v === 'string' && re.test(v))
      ? `requestParameters.${when.matches.path} matches /${when.matches.regex}/`
      : undefined;
  }
  if ('equals' in when) {
    return valuesAt(params, when.equals.path).some((v) => v === when.equals.value)
      ? `requestParameters.${when.equals.path} = ${JSON.stringify(when.equals.value)}`
      : undefined;
  }
  return undefined;
}

/** The resources of a secondary action, by its entry's resource spec. */
function secondaryResources(
  picker: ResourcePicker,
  c: ConditionalEntry,
  spec: ResourceSpec,
  primaryUses: ActionUse[],
  ctx: ExtractContext,
  fromRecord: string[],
  fromRequest: () => string[],
): Pick<ActionUse, 'resources' | 'resourceBasis'> {
  const a = picker.info(c.action);
  if (!a || a.resourceTypes.length === 0) return { resources: ['*'], resourceBasis: 'no-resource-type' };
  if (spec === '*') return { resources: ['*'], resourceBasis: 'no-resource-type' };
  if (spec === 'unidentified') return { resources: ['*'], resourceBasis: 'unidentified' };
  if (spec === 'same') {
    const same = primaryUses.flatMap((u) => u.resources).filter((r) => r !== '*');
    const chosen = picker.pick(a, [...new Set(same)]);
    if (chosen.length > 0) return { resources: chosen, resourceBasis: primaryUses[0]?.resourceBasis ?? 'record' };
    return picker.resourcesFor(c.action, fromRecord, fromRequest);
  }
  let given: string[] = [];
  if ('arnAt' in spec) {
    const paths = Array.isArray(spec.arnAt) ? spec.arnAt : [spec.arnAt];
    given = paths.flatMap((p) => valuesAt(ctx.params, p)).filter((v): v is string => typeof v === 'string' && v.startsWith('arn:'));
  } else if ('extract' in spec) {
    const ex = NAMED_EXTRACTORS[spec.extract];
    given = ex ? ex(ctx) : [];
  }
  const chosen = picker.pick(a, given);
  return chosen.length > 0 ? { resources: chosen, resourceBasis: 'request' } : { resources: ['*'], resourceBasis: 'unidentified' };
}

/**
 * The actions one call needed: the primary action(s) (split per request item for DynamoDB transactions and
 * PartiQL), then every conditional secondary action whose trigger the request shows.
 */
export function actionsOf(picker: ResourcePicker, res: ResolvedOperation, ctx: ExtractContext, fromRecord: string[]): ActionUse[] {
  let reqCache: string[] | undefined;
  const fromRequest = (): string[] => (reqCache ??= requestResources(res.prefix, ctx));
  const uses: ActionUse[] = [];
  let split: SplitUse[] | undefined;
  if (res.split === 'dynamodb-transact-write') split = splitTransactItems(ctx);
  else if (res.split === 'dynamodb-partiql') {
    const tables = fromRecord.length > 0 ? fromRecord : fromRequest();
    split = splitPartiql(ctx, tables);
  }
  if (split) {
    for (const s of split) {
      const a = picker.info(s.action);
      const chosen = a && a.resourceTypes.length > 0 ? picker.pick(a, s.resources) : [];
      uses.push({
        action: a?.id ?? s.action,
        role: 'primary',
        ...(a && a.resourceTypes.length === 0
          ? { resources: ['*'], resourceBasis: 'no-resource-type' as const }
          : chosen.length > 0
            ? { resources: chosen, resourceBasis: 'request' as const }
            : picker.resourcesFor(s.action, fromRecord, fromRequest)),
      });
    }
  } else {
    const ambiguous = res.split !== undefined || res.primarySource === 'service-reference-ambiguous';
    for (const id of res.primary) {
      const hint = res.entry?.resources?.[id];
      const override = hint ? NAMED_EXTRACTORS[hint]?.(ctx) : undefined;
      const found = picker.resourcesFor(id, fromRecord, fromRequest, override);
      const use: ActionUse = { action: id, role: 'primary', resources: found.resources, resourceBasis: found.resourceBasis };
      if (ambiguous) use.reason = `the record does not show which of ${res.primary.join(', ')} ${res.operation} needed; all are counted`;
      uses.push(use);
    }
  }
  for (const c of res.conditional) {
    const why = triggered(c.when, ctx.params);
    if (!why) continue;
    const r = secondaryResources(picker, c, c.resource, uses.filter((u) => u.role === 'primary'), ctx, fromRecord, fromRequest);
    const existing = uses.find((u) => u.action === c.action);
    if (existing) {
      // Same action twice (CopyObject's GetObject is secondary only; a primary never repeats): merge resources.
      existing.resources = [...new Set([...existing.resources, ...r.resources])];
      continue;
    }
    // A needed action whose resource the record does not show: say so (trim keeps its granted resources).
    const reason = r.resourceBasis === 'unidentified' ? `${why}; the record does not show the resource it needs` : why;
    uses.push({ action: c.action, role: 'secondary', ...r, reason });
  }
  return uses;
}
