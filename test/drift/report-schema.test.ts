/**
 * The drift report's published JSON Schema (docs/drift-report.schema.json) is the schema module printed, it
 * accepts the reports the model describes and rejects the ones it does not, and it has exactly the model's keys:
 * for every interface of core/drift/types.ts, the schema's properties are the interface's keys and its
 * `required` the interface's non-optional keys (the key tables below are checked by the compiler against the
 * types, `npm test`'s `tsc -p tsconfig.test.json`, and here against the schema).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { FINDING_ID_PATTERN } from '../../src/core/config/finding-id.js';
import { DRIFT_REPORT_SCHEMA, DRIFT_REPORT_SCHEMA_ID } from '../../src/core/drift/schema.js';
import type {
  DriftComparison,
  DriftFinding,
  DriftReport,
  GateCount,
  GrantingStatement,
  LevelCounts,
  RiskKey,
  RoleDrift,
  RolePolicy,
  SourceLocation,
} from '../../src/core/drift/types.js';
import { sampleDriftReport } from '../support/drift-sample.js';
import { driftReportSchemaErrors } from '../support/drift-schemas.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FILE = join(ROOT, 'docs', 'drift-report.schema.json');

type SchemaNode = Record<string, unknown>;

/** The validation errors of `report`, as `instancePath keyword` lines (empty when valid). */
const errorsOf = (report: unknown): string[] => driftReportSchemaErrors(report);

/** Every subschema with its JSON pointer (the published file's $defs included). */
function* nodes(node: unknown, at = '#'): Generator<[string, SchemaNode]> {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  const n = node as SchemaNode;
  yield [at, n];
  for (const key of ['properties', '$defs'] as const) {
    for (const [k, v] of Object.entries((n[key] ?? {}) as SchemaNode)) yield* nodes(v, `${at}/${key}/${k}`);
  }
  yield* nodes(n.items, `${at}/items`);
  for (const [i, v] of ((n.anyOf ?? []) as unknown[]).entries()) yield* nodes(v, `${at}/anyOf/${i}`);
}

/** The subschema at a JSON pointer of the schema, following `$ref`s and `items` written in the pointer. */
function at(pointer: string): SchemaNode {
  let n = DRIFT_REPORT_SCHEMA as unknown as SchemaNode;
  for (const part of pointer.split('/').filter(Boolean)) {
    n = n[part] as SchemaNode;
    while (typeof n.$ref === 'string') n = at((n.$ref as string).slice(1));
  }
  return n;
}

describe('docs/drift-report.schema.json', () => {
  it('equals the schema module byte for byte (node scripts/write-drift-schema.mjs rewrites it)', () => {
    expect(readFileSync(FILE, 'utf8')).toBe(JSON.stringify(DRIFT_REPORT_SCHEMA, null, 2) + '\n');
  });

  it('is a valid draft 2020-12 schema whose $id is the report\'s schema value, version 1', () => {
    expect(new Ajv2020({ strict: true }).validateSchema(DRIFT_REPORT_SCHEMA)).toBe(true);
    expect(DRIFT_REPORT_SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const sample = sampleDriftReport();
    expect(DRIFT_REPORT_SCHEMA.$id).toBe(sample.schema);
    expect(DRIFT_REPORT_SCHEMA_ID).toBe(sample.schema);
    expect(DRIFT_REPORT_SCHEMA.properties.version.const).toBe(1);
  });

  it('holds the finding-id grammar of core/config/finding-id.ts wherever it names a finding', () => {
    const published = JSON.parse(readFileSync(FILE, 'utf8')) as SchemaNode;
    const patterns = [...nodes(published)].filter(([, n]) => n.title === 'Finding id').map(([, n]) => n.pattern);
    expect(patterns.length).toBeGreaterThanOrEqual(5); // finding id, acknowledgement, newly unused/used, expired
    expect(new Set(patterns)).toEqual(new Set([FINDING_ID_PATTERN]));
    expect((at('/$defs/finding/properties/id') as SchemaNode).pattern).toBe(FINDING_ID_PATTERN);
  });

  it('titles and describes every property, and closes every object', () => {
    const untitled: string[] = [];
    const open: string[] = [];
    for (const [pointer, n] of nodes(DRIFT_REPORT_SCHEMA)) {
      if (/\/(?:properties|\$defs)\/[^/]+$/.test(pointer) && (typeof n.title !== 'string' || typeof n.description !== 'string')) untitled.push(pointer);
      if ((n.type === 'object' || n.properties) && n.additionalProperties !== false) open.push(pointer);
    }
    expect(untitled).toEqual([]);
    expect(open).toEqual([]);
  });
});

describe('the schema accepts the model and rejects what is not', () => {
  it('accepts the sample report', () => {
    expect(errorsOf(sampleDriftReport())).toEqual([]);
  });

  it('accepts a report with every optional field present', () => {
    const report = sampleDriftReport();
    const finding = report.roles[0]!.findings[0]!;
    Object.assign(finding, {
      resource: '*',
      narrowedTo: ['arn:aws:s3:::a'],
      attempts: { count: 1, lastSeen: '2026-10-30T10:00:00Z', errorCodes: ['AccessDenied'], sessions: ['f'], grantedByPolicies: true },
      unobservable: { code: 'never-logged', reason: 'r' },
      acknowledged: { pattern: finding.id, reason: 'r', until: '2027-01-01' },
      new: false,
    } satisfies Partial<DriftFinding>);
    finding.statements[0]!.location = { file: 'a.tf', line: 1, column: 3 };
    report.roles[2]!.error = { code: 'unreadable', message: 'm' };
    report.window = { since: null, until: null };
    expect(errorsOf(report)).toEqual([]);
  });

  const mutations: [string, (r: DriftReport) => void, string][] = [
    ['an unknown top-level property', (r) => Object.assign(r, { extra: 1 }), ' additionalProperties'],
    ['an unknown property of a finding', (r) => Object.assign(r.roles[0]!.findings[0]!, { severity: 'high' }), '/roles/0/findings/0 additionalProperties'],
    ['an unknown property of a location', (r) => Object.assign(r.roles[0]!.location!.definedIn!, { url: 'x' }), '/roles/0/location/definedIn additionalProperties'],
    ['another version', (r) => Object.assign(r, { version: 2 }), '/version const'],
    ['another schema', (r) => Object.assign(r, { schema: 'https://example.com/x.json' }), '/schema const'],
    ['a malformed finding id', (r) => (r.roles[0]!.findings[0]!.id = 'unused[111122223333:orders-api-role][iam:PassRole]'), '/roles/0/findings/0/id pattern'],
    ['a finding id without the account', (r) => (r.roles[0]!.findings[0]!.id = 'UNUSED[orders-api-role][iam:PassRole]'), '/roles/0/findings/0/id pattern'],
    ['a malformed id in the comparison', (r) => (r.comparison!.newlyUnused[0] = 'UNUSED'), '/comparison/newlyUnused/0 pattern'],
    ['a missing finding message', (r) => delete (r.roles[0]!.findings[0]! as Partial<DriftFinding>).message, '/roles/0/findings/0 required'],
    ['a missing role risk', (r) => delete (r.roles[1]! as Partial<RoleDrift>).risk, '/roles/1 required'],
    ['a missing gate', (r) => delete (r as Partial<DriftReport>).gate, ' required'],
    ['a missing access level count', (r) => delete (r.totals.unusedByLevel as Partial<LevelCounts>).Tagging, '/totals/unusedByLevel required'],
    ['an unknown kind', (r) => Object.assign(r.roles[0]!.findings[0]!, { kind: 'UNUSED_ON_ANY' }), '/roles/0/findings/0/kind enum'],
    ['a short risk key', (r) => (r.roles[0]!.risk.key as number[]).pop(), '/roles/0/risk/key minItems'],
    ['a negative count', (r) => (r.roles[0]!.unused = -1), '/roles/0/unused minimum'],
    ['a 0th line', (r) => (r.roles[0]!.location!.config!.line = 0), '/roles/0/location/config/line minimum'],
    ['a date that is not ISO', (r) => (r.generatedAt = 'yesterday'), '/generatedAt pattern'],
    ['an unknown gate condition', (r) => (r.gate.failOn = ['sometimes']), '/gate/failOn/0 enum'],
  ];
  for (const [what, mutate, error] of mutations) {
    it(`rejects ${what}`, () => {
      const report = structuredClone(sampleDriftReport());
      mutate(report);
      expect(errorsOf(report)).toContain(error);
    });
  }
});

/** `true` for every key of T: the compiler rejects a missing or an extra key. */
type AllKeys<T> = Record<keyof T, true>;
/** The keys of T that are not optional. */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** `true` for every non-optional key of T: the compiler rejects a missing, an extra or an optional key. */
type Required_<T> = Record<RequiredKeys<T>, true>;

/** One interface's keys and required keys, and where its schema is. */
interface Shape {
  pointer: string;
  all: object;
  required: object;
}

function shape<T>(pointer: string, all: AllKeys<T>, required: Required_<T>): Shape {
  return { pointer, all, required };
}

type Finding = DriftFinding;
type Attempts = NonNullable<Finding['attempts']>;
type Location = NonNullable<RoleDrift['location']>;
type PolicyChange = DriftComparison['policyChanges'][number];
const t = true as const;

/** Every interface and inline object type of the model, with the schema node that describes it. */
const SHAPES: Shape[] = [
  shape<DriftReport>(
    '',
    { schema: t, version: t, tool: t, generatedAt: t, window: t, accounts: t, activity: t, totals: t, roles: t, comparison: t, expiredAcknowledgements: t, gate: t },
    { schema: t, version: t, tool: t, generatedAt: t, window: t, accounts: t, activity: t, totals: t, roles: t, expiredAcknowledgements: t, gate: t },
  ),
  shape<DriftReport['tool']>('/properties/tool', { name: t, version: t }, { name: t, version: t }),
  shape<DriftReport['window']>('/properties/window', { since: t, until: t }, { since: t, until: t }),
  shape<DriftReport['activity']>('/properties/activity', { records: t, calls: t, problems: t, sources: t }, { records: t, calls: t, problems: t, sources: t }),
  shape<DriftReport['totals']>(
    '/properties/totals',
    { roles: t, sharedRoles: t, granted: t, used: t, unused: t, unusedByLevel: t, unusedOnStar: t, unobservable: t, narrowable: t, denied: t, acknowledged: t },
    { roles: t, sharedRoles: t, granted: t, used: t, unused: t, unusedByLevel: t, unusedOnStar: t, unobservable: t, narrowable: t, denied: t, acknowledged: t },
  ),
  shape<DriftReport['expiredAcknowledgements'][number]>('/properties/expiredAcknowledgements/items', { pattern: t, reason: t, until: t }, { pattern: t, reason: t, until: t }),
  shape<DriftReport['gate']>('/properties/gate', { failOn: t, counts: t, tripped: t }, { failOn: t, counts: t, tripped: t }),
  shape<GateCount>('/properties/gate/properties/counts/items', { condition: t, count: t }, { condition: t, count: t }),
  shape<DriftComparison>(
    '/properties/comparison',
    { previousGeneratedAt: t, newlyUnused: t, newlyUsed: t, newRoles: t, removedRoles: t, policyChanges: t },
    { previousGeneratedAt: t, newlyUnused: t, newlyUsed: t, newRoles: t, removedRoles: t, policyChanges: t },
  ),
  shape<PolicyChange>('/properties/comparison/properties/policyChanges/items', { roleArn: t, added: t, removed: t, changed: t }, { roleArn: t, added: t, removed: t, changed: t }),
  shape<RoleDrift>(
    '/$defs/role',
    {
      account: t, roleName: t, roleArn: t, functions: t, shared: t, policies: t, granted: t, used: t, unused: t, unusedByLevel: t, unusedOnStar: t,
      unobservable: t, narrowable: t, denied: t, lastUsed: t, daysSinceLastUse: t, records: t, risk: t, findings: t, location: t, error: t,
    },
    {
      account: t, roleName: t, roleArn: t, functions: t, shared: t, policies: t, granted: t, used: t, unused: t, unusedByLevel: t, unusedOnStar: t,
      unobservable: t, narrowable: t, denied: t, records: t, risk: t, findings: t,
    },
  ),
  shape<Location>('/$defs/role/properties/location', { definedIn: t, config: t }, {}),
  shape<NonNullable<RoleDrift['error']>>('/$defs/role/properties/error', { code: t, message: t }, { code: t, message: t }),
  shape<RolePolicy>('/$defs/rolePolicy', { name: t, kind: t, arn: t, sha256: t }, { name: t, kind: t, sha256: t }),
  shape<RiskKey>('/$defs/risk', { rank: t, key: t, reason: t }, { rank: t, key: t, reason: t }),
  shape<LevelCounts>(
    '/$defs/levelCounts',
    { 'Permissions management': t, Write: t, Tagging: t, Read: t, List: t },
    { 'Permissions management': t, Write: t, Tagging: t, Read: t, List: t },
  ),
  shape<Finding>(
    '/$defs/finding',
    { id: t, kind: t, action: t, resource: t, accessLevel: t, message: t, statements: t, narrowedTo: t, attempts: t, unobservable: t, acknowledged: t, new: t },
    { id: t, kind: t, action: t, message: t, statements: t },
  ),
  shape<Attempts>('/$defs/finding/properties/attempts', { count: t, lastSeen: t, errorCodes: t, sessions: t, grantedByPolicies: t }, { count: t, lastSeen: t, errorCodes: t, sessions: t, grantedByPolicies: t }),
  shape<NonNullable<Finding['unobservable']>>('/$defs/finding/properties/unobservable', { code: t, reason: t }, { code: t, reason: t }),
  shape<NonNullable<Finding['acknowledged']>>('/$defs/finding/properties/acknowledged', { pattern: t, reason: t, until: t }, { pattern: t, reason: t }),
  shape<GrantingStatement>('/$defs/grantingStatement', { document: t, index: t, sid: t, location: t }, { document: t, index: t }),
  shape<SourceLocation>('/$defs/sourceLocation', { file: t, line: t, column: t }, { file: t, line: t }),
];

describe('the schema has exactly the model\'s keys (core/drift/types.ts)', () => {
  for (const { pointer, all, required } of SHAPES) {
    it(`${pointer || '(the report)'}: properties are the type's keys, required its non-optional keys`, () => {
      const node = at(pointer);
      expect(Object.keys(node.properties as object).sort()).toEqual(Object.keys(all).sort());
      expect(((node.required ?? []) as string[]).slice().sort()).toEqual(Object.keys(required).sort());
    });
  }

  it('describes every object of the schema in the table above (nothing left unchecked)', () => {
    const objects = [...nodes(DRIFT_REPORT_SCHEMA)].filter(([, n]) => n.type === 'object').map(([p]) => p.replace(/^#/, ''));
    const checked = new Set(SHAPES.map((s) => s.pointer));
    expect(objects.filter((p) => !checked.has(p))).toEqual([]);
  });
});
