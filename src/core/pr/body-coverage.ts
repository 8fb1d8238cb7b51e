/**
 * "What the trail records": the trail configuration the run used (or the default it assumed), the Regions the
 * logs read cover, global service events, and which data events were recorded. A removal is only as good as
 * this coverage, so a reviewer sees it before the list of what is removed.
 */
import type { CloudTrailKnowledge } from '../trail/knowledge-types.js';
import type { TrailRecording } from '../trail/recording.js';
import type { SuggestResult } from '../trim/suggest.js';
import type { DataEventCoverage, PullRequestInput, RecordingFacts } from './body-types.js';
import type { Quoter, Section } from './body-layout.js';
import { codeList, findingsOf, plural } from './body-findings.js';

/** `AWS::S3::Object data events, which FILE records` (trim/context.ts, the evidence of a selector removal). */
const SELECTOR_EVIDENCE = /^(\S+) data events, which /;
/** `… are CloudTrail data events (AWS::DynamoDB::Table), which …` / `…; the selectors … only for some resources` (trail/selectors.ts). */
const NOT_SELECTED = /data events \(([^)\s]+)\)/;

const RANK = { none: 0, some: 1, all: 2 } as const;

/**
 * The data-event types the findings speak of: recorded, when a removal rests on the trail's selectors; not (or
 * only partly) recorded, when an action is kept because its data events were not selected. A type seen both
 * ways is recorded for some resources only. Types the caller gives win.
 */
export function dataEventCoverage(result: SuggestResult, given: readonly DataEventCoverage[] = []): DataEventCoverage[] {
  const seen = new Map<string, DataEventCoverage['recorded']>();
  const note = (type: string, recorded: DataEventCoverage['recorded']): void => {
    const before = seen.get(type);
    seen.set(type, before === undefined || before === recorded ? recorded : 'some');
  };
  for (const f of findingsOf(result, 'removed-action')) {
    const m = f.evidence?.tier === 'selector' ? SELECTOR_EVIDENCE.exec(f.evidence.source) : null;
    if (m) note(m[1]!, 'all');
  }
  for (const f of findingsOf(result, 'kept-unobservable')) {
    const m = f.code === 'data-event-not-selected' ? NOT_SELECTED.exec(f.reason) : null;
    if (m) note(m[1]!, f.reason.includes('only for some resources') ? 'some' : 'none');
  }
  for (const g of given) seen.set(g.type, g.recorded);
  return [...seen]
    .map(([type, recorded]) => ({ type, recorded }))
    .sort((a, b) => RANK[b.recorded] - RANK[a.recorded] || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

/** Every action a finding names (removed, narrowed, kept, denied, …). */
function actionsNamed(result: SuggestResult): string[] {
  const out = new Set<string>();
  for (const f of result.findings) if ('action' in f && typeof f.action === 'string') out.add(f.action);
  return [...out];
}

/**
 * Which data events the trail records, for the data-event types of the actions the suggestion speaks of: the
 * recording asked, per type, about every resource (`*`), read-only and write calls. Recorded both ways: `all`;
 * one way, or for some resources only: `some`; else `none`. (A Region gap is reported with the Regions, not
 * here.) For the caller to pass as `PullRequestInput.dataEvents`.
 */
export function dataEventsRecorded(result: SuggestResult, recording: Pick<TrailRecording, 'wouldRecord'>, knowledge: CloudTrailKnowledge): DataEventCoverage[] {
  const byType = new Map<string, string>();
  for (const action of actionsNamed(result).sort()) {
    const type = knowledge.dataEventTypeOf(action);
    if (type !== undefined && !byType.has(type)) byType.set(type, action);
  }
  const out: DataEventCoverage[] = [];
  for (const [type, action] of byType) {
    const answers = [true, false].map((readOnly) =>
      recording.wouldRecord({ action, eventSource: knowledge.eventSourceOf(action), readOnly, dataEventType: type, resourcePattern: '*', scope: knowledge.scopeOf(action) }),
    );
    const recorded = answers.filter((a) => a.recorded || a.code === 'region-not-covered').length;
    const partly = answers.some((a) => !a.recorded && a.reason.includes('only for some resources'));
    out.push({ type, recorded: recorded === 2 ? 'all' : recorded === 1 || partly ? 'some' : 'none' });
  }
  return out.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

/** The trail line: its ARN and the file its configuration came from, or the default assumed. */
function trailRow(recording: RecordingFacts, q: Quoter): string {
  if (recording.origin === 'assumed-default') {
    return "- **Trail**: none given, so CloudTrail's default was assumed: management events only, no data events";
  }
  const arn = recording.trailArn ? `${q.code(recording.trailArn)}, ` : '';
  return `- **Trail**: ${arn}configuration from ${q.code(recording.source)}`;
}

/** Regions and global service events, as decided by region-coverage.ts. */
function regionRows(recording: RecordingFacts, q: Quoter): string[] {
  const c = recording.coverage;
  if (!c) return ['- **Regions**: not limited by the run (every Region counts as read)'];
  const regions = c.regions === 'all' ? 'every Region' : c.regions.length ? codeList(c.regions, q) : 'none';
  const global = c.globalEvents === true ? 'included' : c.globalEvents === false ? 'not included' : 'not known to be included';
  return [
    `- **Regions covered**: ${regions} (${q.prose(c.basis)})`,
    `- **Global service events** (IAM and other global services, recorded in us-east-1): ${global}`,
  ];
}

/** The data-event lines: recorded, recorded for some resources, not recorded. */
function dataEventRows(events: readonly DataEventCoverage[], q: Quoter): string[] {
  const of = (r: DataEventCoverage['recorded']) => events.filter((e) => e.recorded === r).map((e) => e.type);
  const rows: string[] = [];
  if (of('all').length) rows.push(`- **Data events recorded**: ${codeList(of('all'), q)}`);
  if (of('some').length) rows.push(`- **Data events recorded for some resources only**: ${codeList(of('some'), q)}`);
  if (of('none').length) rows.push(`- **Data events not recorded**: ${codeList(of('none'), q)}; actions whose calls are such events are kept (below)`);
  return rows;
}

/** The coverage section. */
export function coverageSection(input: PullRequestInput, q: Quoter): Section {
  const { recording } = input;
  // The Regions note repeats what the Regions lines say.
  const notes = recording.notes.filter((n) => !(recording.coverage && n.startsWith('Regions covered:')));
  // The facts are a handful of lines (lists clipped in the short body); the notes may be cut.
  const facts = [trailRow(recording, q), ...regionRows(recording, q), ...dataEventRows(dataEventCoverage(input.result, input.dataEvents), q)];
  return {
    heading: '### What the trail records',
    intro: [`An action is removed only when this trail would have recorded its use (${plural(findingsOf(input.result, 'kept-unobservable').length, 'action')} kept because it would not).`],
    blocks: [
      { kind: 'list', rows: facts, fixed: true },
      { kind: 'list', rows: notes.map((n) => `- ${q.prose(n)}`), attached: true },
    ],
  };
}
