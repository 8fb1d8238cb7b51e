/**
 * The GitHub Actions workflow of the README's "Pull requests on a schedule (GitHub Actions)" section: the file
 * docs/examples/policy-trim-pr.yml is valid YAML with what the section says it needs, and the README shows
 * exactly that file, so neither can drift from the other.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FILE = 'docs/examples/policy-trim-pr.yml';
const SECTION = '## Pull requests on a schedule (GitHub Actions)';

const text = readFileSync(join(ROOT, FILE), 'utf8');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, unknown>;
  jobs: Record<string, { steps: Step[] }>;
}

const workflow = parse(text) as Workflow;
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const uses = (action: string): Step[] => steps.filter((s) => s.uses?.split('@')[0] === action);

/** The body of the first ```yaml block of the README's section. */
function readmeCopy(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\r\n/g, '\n');
  const start = readme.indexOf(`\n${SECTION}\n`);
  expect(start, `README.md has no section "${SECTION}"`).toBeGreaterThanOrEqual(0);
  const next = readme.indexOf('\n## ', start + SECTION.length + 2);
  const section = readme.slice(start, next < 0 ? undefined : next);
  const block = /\n```yaml\n([\s\S]*?)\n```\n/.exec(section);
  expect(block, `the section "${SECTION}" has no yaml block`).not.toBeNull();
  return `${block![1]}\n`;
}

describe(`${FILE}, the README's scheduled pull-request workflow`, () => {
  it('runs on a schedule and by hand', () => {
    const schedule = workflow.on.schedule as Array<{ cron: string }>;
    expect(schedule.length).toBeGreaterThan(0);
    for (const s of schedule) expect(s.cron).toMatch(/^\S+( \S+){4}$/);
    expect(Object.keys(workflow.on)).toContain('workflow_dispatch');
  });

  it('asks for exactly contents: write, pull-requests: write and id-token: write', () => {
    expect(workflow.permissions).toEqual({ contents: 'write', 'pull-requests': 'write', 'id-token': 'write' });
  });

  it('checks out the full history (fetch-depth: 0)', () => {
    const checkout = uses('actions/checkout');
    expect(checkout).toHaveLength(1);
    expect(checkout[0]!.with?.['fetch-depth']).toBe(0);
  });

  it('assumes an AWS role through OIDC, with no stored keys', () => {
    const aws = uses('aws-actions/configure-aws-credentials');
    expect(aws).toHaveLength(1);
    expect(aws[0]!.with?.['role-to-assume']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(Object.keys(aws[0]!.with ?? {})).not.toContain('aws-access-key-id');
    expect(text).not.toMatch(/AWS_SECRET_ACCESS_KEY|aws-secret-access-key/);
  });

  it('sets a git identity before running policy-trim pr --all with the token', () => {
    const identity = steps.findIndex((s) => /git config user\.name/.test(s.run ?? '') && /git config user\.email/.test(s.run ?? ''));
    const pr = steps.findIndex((s) => /\bnpx --no policy-trim pr --all\b/.test(s.run ?? ''));
    expect(identity).toBeGreaterThanOrEqual(0);
    expect(pr).toBeGreaterThan(identity);
    expect(steps[pr]!.env?.GITHUB_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
    expect(uses('actions/setup-node')).toHaveLength(1);
  });

  it('is what the README shows, byte for byte', () => {
    expect(readmeCopy()).toBe(text);
  });
});
