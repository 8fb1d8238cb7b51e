#!/usr/bin/env node
// Builds data/iam/last-accessed-actions.json: which IAM actions IAM's action-level last-accessed information
// tracks, read from each action's `SupportedBy["IAM Action Last Accessed"]` flag in the AWS Service Reference
// snapshot (the same snapshot as data/iam/operations.json; data/NOTICE, sections 2 and 8). policy-trim keeps an
// action on action-level evidence only when IAM tracks it, and treats the others of a used service as covered by
// service-level data only (core/second-opinion/last-accessed.ts).
//
// Deterministic: same snapshot → byte-identical file (services sorted, actions sorted, one service per line).
// Usage: node scripts/build-last-accessed.mjs [--service-reference DIR] [--out FILE]

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Date of the vendored Service Reference snapshot (as in scripts/build-catalog.mjs). */
const SERVICE_REFERENCE_DATE = '2026-02-13';
const FLAG = 'IAM Action Last Accessed';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? resolve(args[i + 1]) : fallback;
};
const srDir = opt('--service-reference', process.env.POLICY_TRIM_SERVICE_REFERENCE ?? resolve(REPO_ROOT, '..', 'shared', 'data', 'aws-service-reference'));
const out = opt('--out', join(REPO_ROOT, 'data', 'iam', 'last-accessed-actions.json'));

const services = {};
for (const file of readdirSync(srDir).filter((f) => f.endsWith('.json')).sort()) {
  const doc = JSON.parse(readFileSync(join(srDir, file), 'utf8'));
  if (!doc || Array.isArray(doc) || !Array.isArray(doc.Actions)) continue;
  const prefix = String(doc.Name ?? file.replace(/\.json$/, '')).toLowerCase();
  const tracked = doc.Actions.filter((a) => a?.SupportedBy?.[FLAG] === true).map((a) => String(a.Name));
  if (tracked.length) services[prefix] = [...new Set(tracked)].sort();
}
const meta = {
  generatedBy: 'scripts/build-last-accessed.mjs (do not edit)',
  source: `AWS Service Reference snapshot ${SERVICE_REFERENCE_DATE}, each action's SupportedBy["${FLAG}"] flag (data/NOTICE, section 8)`,
  format: 'services.<iam prefix> = [action names IAM action-level last-accessed information tracks], sorted',
  services: Object.keys(services).length,
  actions: Object.values(services).reduce((n, l) => n + l.length, 0),
};
const lines = Object.keys(services).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(services[k])}`);
writeFileSync(out, `{"meta":${JSON.stringify(meta)},\n"services":{\n${lines.join(',\n')}\n}}\n`);
if (!args.includes('--quiet')) console.error(`${out}: ${meta.actions} actions of ${meta.services} services`);
