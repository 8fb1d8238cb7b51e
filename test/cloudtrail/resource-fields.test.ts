/**
 * data/cloudtrail/resource-fields.json: for every service with a request extractor, every resource type an
 * action REQUIRES has a row saying which requestParameters identify it (or why no record can). Each row's
 * example is run through the service's extractor and must come out as the example ARN, and the catalog must
 * say that ARN is of the row's resource type: a mapping that yields a resource of the wrong type (a table for
 * an index Query, `function:f` for an Invoke of `f:prod`) fails here.
 */
import { templateRegex } from '../../src/core/trail/resource-picker.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataDir, loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { valuesAt, type ExtractContext } from '../../src/core/trail/extractors/common.js';
import { REQUEST_EXTRACTORS } from '../../src/core/trail/extractors/index.js';

interface FieldsRow {
  fields: string[];
  example: { operation: string; params: Record<string, unknown>; arn: string };
  source: string;
}
interface UnknowableRow {
  unknowable: string;
  source: string;
}
type Row = FieldsRow | UnknowableRow;

const doc = JSON.parse(readFileSync(`${dataDir()}/cloudtrail/resource-fields.json`, 'utf8')) as {
  _about: string;
  services: Record<string, Record<string, Row>>;
};
const catalog = loadBundledCatalog();
const prefixes = Object.keys(REQUEST_EXTRACTORS).sort();

/** Resource types some action of `prefix` lists as required (catalog names). */
function requiredTypes(prefix: string): string[] {
  const out = new Set<string>();
  for (const a of catalog.actionsOf(prefix)) for (const t of a.resourceTypes) if (t.required) out.add(t.name);
  return [...out].sort();
}

function ctxFor(prefix: string, operation: string, params: Record<string, unknown>): ExtractContext {
  return { partition: 'aws', region: 'us-east-1', account: '111122223333', eventSource: `${prefix}.amazonaws.com`, operation, params };
}

/**
 * Rows whose real ARNs the catalog's strict matcher (`compileArnTemplate`: a variable is one segment without
 * `:` or `/`) does not recognise, though AWS's ids contain those characters: DynamoDB stream labels are
 * timestamps (`2026-11-01T00:00:00.000`), Bedrock model ids carry `:0`, SSM service-setting and OpsMetadata ids
 * and partner event-source names carry `/`. The normalizer accepts them through its last-variable fallback;
 * these rows are checked the same way, and the strict matcher is asserted to still miss them, so that fixing
 * the matcher (src/core/catalog/arn.ts MULTI_SEGMENT_VAR) makes this list fail and be emptied.
 */
const STRICT_MATCHER_GAPS = new Set([
  'dynamodb:stream',
  'ssm:opsmetadata',
  'ssm:servicesetting',
  'events:event-source',
  'bedrock:foundation-model',
  'bedrock:inference-profile',
  'bedrock:default-prompt-router',
]);

/** The template with its last variable matching anything (what the picker's qualifier fallback accepts). */
const looseTemplate = templateRegex;

/** A source cites at least one AWS documentation page. */
const CITES_AWS = /https:\/\/docs\.aws\.amazon\.com\//;

describe('resource-fields.json: completeness', () => {
  it('covers exactly the services that have a request extractor', () => {
    expect(Object.keys(doc.services).sort()).toEqual(prefixes);
  });
  for (const prefix of prefixes) {
    it(`${prefix}: every required resource type has a row`, () => {
      const rows = doc.services[prefix] ?? {};
      const missing = requiredTypes(prefix).filter((t) => !(t in rows)).map((t) => `${prefix}:${t}`);
      expect(missing, `rows missing in data/cloudtrail/resource-fields.json: ${missing.join(', ')}`).toEqual([]);
    });
    it(`${prefix}: every row names a catalog resource type, spelled as the catalog spells it`, () => {
      const unknown = Object.keys(doc.services[prefix] ?? {}).filter((t) => catalog.resourceType(prefix, t)?.name !== t);
      expect(unknown).toEqual([]);
    });
  }
});

describe('resource-fields.json: each identifiable type comes out of the extractor as that type', () => {
  for (const [prefix, rows] of Object.entries(doc.services)) {
    for (const [type, row] of Object.entries(rows)) {
      if (!('fields' in row)) continue;
      it(`${prefix}:${type} from ${row.fields.join(' + ') || '(the account and Region)'} (${row.example.operation})`, () => {
        const { operation, params, arn } = row.example;
        expect(row.source).toMatch(CITES_AWS);
        // Every listed field is in the example request, so the example exercises the fields the row claims.
        for (const f of row.fields) expect(valuesAt(params, f).length, `example lacks ${f}`).toBeGreaterThan(0);
        const extractor = REQUEST_EXTRACTORS[prefix]!;
        const got = extractor(ctxFor(prefix, operation, params));
        expect(got).toContain(arn);
        // The catalog's ARN templates say the example ARN is of this row's type (several may match:
        // `function alias` and `function version` share a shape).
        const strict = catalog.resourceTypesOfArn(arn, prefix).map((t) => t.name);
        if (STRICT_MATCHER_GAPS.has(`${prefix}:${type}`)) {
          expect(strict, 'the catalog matcher now recognises this ARN: remove it from STRICT_MATCHER_GAPS').not.toContain(type);
          expect(arn).toMatch(looseTemplate(catalog.resourceType(prefix, type)!.arnTemplate));
        } else expect(strict).toContain(type);
        // Without the fields, the extractor does not produce this ARN: it is read from them, not made up.
        if (row.fields.length > 0) {
          const stripped = Object.fromEntries(Object.entries(params).filter(([k]) => !row.fields.some((f) => f.split(/[.[]/)[0] === k)));
          expect(extractor(ctxFor(prefix, operation, stripped))).not.toContain(arn);
        }
      });
    }
  }
});

describe('resource-fields.json: unknowable types say why', () => {
  for (const [prefix, rows] of Object.entries(doc.services)) {
    for (const [type, row] of Object.entries(rows)) {
      if (!('unknowable' in row)) continue;
      it(`${prefix}:${type} has a reason sentence and a source`, () => {
        expect(row.unknowable).toMatch(/^[A-Z].{29,}\.$/s);
        expect(row.source).toMatch(CITES_AWS);
        expect('fields' in row).toBe(false);
      });
    }
  }
});
