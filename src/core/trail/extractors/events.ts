/**
 * Amazon EventBridge resources from `requestParameters`. A rule on a custom bus is `rule/BUS/NAME`, on the
 * default bus `rule/NAME` (Service Authorization Reference, EventBridge resource types); the bus is named by
 * `eventBusName` (a name or an ARN). Member names follow the EventBridge API reference in lower camel case.
 */

import { arn, arnParts, fromIdRules, isArn, isObject, str, uniq, valuesAt, type ExtractContext, type IdRule } from './common.js';

/** Bus name from a name or an event-bus ARN. */
function busName(v: string): string {
  const m = /:event-bus\/(.+)$/.exec(v);
  return m ? m[1]! : v;
}

const eventsRes = (prefix: string) => (v: string, ctx: ExtractContext) => arn(ctx, 'events', `${prefix}${v}`);

/** Operations whose `name` is the resource named in the operation (`CreateConnection` → connection). */
const NAME_RULES: readonly IdRule[] = [
  { path: 'name', build: eventsRes('event-bus/'), ops: /EventBus$/ },
  { path: 'name', build: eventsRes('connection/'), ops: /Connection$/ },
  { path: 'name', build: eventsRes('api-destination/'), ops: /ApiDestination$/ },
  { path: 'name', build: eventsRes('endpoint/'), ops: /Endpoint$/ },
  // Partner event sources: `arn:P:events:R::event-source/NAME` (no account in the ARN).
  { path: 'name', build: (v, ctx) => arn(ctx, 'events', `event-source/${v}`, { account: '' }), ops: /^(Activate|Deactivate)EventSource$|PartnerEventSource/ },
  { path: 'archiveName', build: eventsRes('archive/') },
  { path: 'replayName', build: eventsRes('replay/') },
  { path: 'connectionArn' },
  { path: 'eventSourceArn', ops: /Archive|Replay/ },
  { path: 'destination.arn', ops: /^StartReplay$/ },
];

/**
 * EventBridge: PutEvents `entries[].eventBusName` (absent = `default`); rule calls `name`/`rule` +
 * `eventBusName` → `rule/NAME` on the default bus, `rule/BUS/NAME` otherwise; bus, connection,
 * API destination, endpoint, archive, replay and partner event source by name; `resourceARN` as given.
 */
export function eventsResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const out: string[] = [];
  if (ctx.operation === 'PutEvents') {
    const entries = valuesAt(p, 'entries[]');
    for (const e of entries) {
      const bus = isObject(e) ? str(e.eventBusName) : undefined;
      out.push(bus && isArn(bus) ? bus : arn(ctx, 'events', `event-bus/${bus ?? 'default'}`));
    }
    if (entries.length === 0) out.push(arn(ctx, 'events', 'event-bus/default'));
    return uniq(out);
  }
  const bus = str(p.eventBusName);
  const rule = str(p.rule) ?? (/Rule$/.test(ctx.operation) ? str(p.name) : undefined);
  if (rule) {
    if (isArn(rule)) out.push(rule);
    else {
      const b = bus ? busName(bus) : 'default';
      // A bus given by ARN may be another account's: the rule lives in the bus's account and Region.
      const owner = bus && isArn(bus) ? arnParts(bus) : undefined;
      const where = owner ? { region: owner.region, account: owner.account } : {};
      out.push(arn(ctx, 'events', b === 'default' ? `rule/${rule}` : `rule/${b}/${rule}`, where));
    }
  }
  if (bus && !rule && !/EventBus$/.test(ctx.operation)) out.push(isArn(bus) ? bus : arn(ctx, 'events', `event-bus/${bus}`));
  out.push(...fromIdRules(ctx, NAME_RULES));
  const res = str(p.resourceARN) ?? str(p.resourceArn);
  if (res) out.push(res);
  return uniq(out);
}
