/**
 * action.yml and examples/github/drift.yml agree with the action's code: every input action.yml declares is
 * read by the entry point and every output it writes is declared (the lists the code exports, not a search
 * of its text), and the example workflow uses only real inputs and outputs, with the steps issue 11 asks for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ACTION_INPUTS, DEFAULT_FORMATS } from '../../src/action/inputs.js';
import { ACTION_OUTPUTS } from '../../src/action/run.js';
import { REPO_ROOT } from '../support/paths.js';

interface ActionYml {
  name: string;
  description: string;
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
}

const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as ActionYml;
const workflowText = readFileSync(join(REPO_ROOT, 'examples', 'github', 'drift.yml'), 'utf8');
const workflow = parse(workflowText) as {
  on: { schedule: { cron: string }[]; workflow_dispatch: unknown };
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
};
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const stepUsing = (prefix: string): Step[] => steps.filter((s) => s.uses?.startsWith(prefix));

describe('action.yml', () => {
  it('declares exactly the inputs the entry point reads and the outputs it writes', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...ACTION_INPUTS].sort());
    expect(Object.keys(action.outputs).sort()).toEqual([...ACTION_OUTPUTS].sort());
    for (const [name, input] of Object.entries(action.inputs)) expect(input.description, name).toMatch(/\S/);
    for (const [name, output] of Object.entries(action.outputs)) expect(output.description, name).toMatch(/\S/);
  });

  it('runs the bundle on node24, with the defaults the code falls back to', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'action/index.mjs' });
    expect(action.inputs.command!.default).toBe('drift');
    expect(action.inputs.formats!.default).toBe(DEFAULT_FORMATS.join(','));
    expect(action.name).toMatch(/\S/);
    expect(action.description).toMatch(/\S/);
    expect(action.branding.icon).toMatch(/\S/);
  });

  it('keeps the bundle out of main: it is built and committed on release tags', () => {
    expect(readFileSync(join(REPO_ROOT, '.gitignore'), 'utf8')).toMatch(/^\/action\/index\.mjs$/m);
  });
});

describe('examples/github/drift.yml', () => {
  it('runs weekly and by hand, with the permissions OIDC, code scanning and artefacts need', () => {
    expect(workflow.on.schedule[0]!.cron.split(' ')).toHaveLength(5);
    expect('workflow_dispatch' in workflow.on).toBe(true);
    expect(workflow.permissions).toEqual({ 'id-token': 'write', contents: 'read', 'security-events': 'write', actions: 'read' });
  });

  it('assumes the role through OIDC before running the action', () => {
    const [aws] = stepUsing('aws-actions/configure-aws-credentials@');
    expect(aws?.with).toMatchObject({ 'role-to-assume': expect.any(String), 'aws-region': expect.any(String) });
    expect(aws!.with).not.toHaveProperty('aws-access-key-id');
    const [drift] = steps.filter((s) => /\/policy-trim@v1$/.test(s.uses ?? ''));
    expect(steps.indexOf(aws!)).toBeLessThan(steps.indexOf(drift!));
  });

  it('gives the action only inputs it declares, and reads only outputs it writes', () => {
    const drift = steps.find((s) => /\/policy-trim@v1$/.test(s.uses ?? ''))!;
    expect(drift.id).toBeDefined();
    expect(Object.keys(drift.with ?? {}).filter((k) => !(ACTION_INPUTS as readonly string[]).includes(k))).toEqual([]);
    expect(drift.with?.['previous-report']).toContain('previous/drift.json');
    const read = [...workflowText.matchAll(new RegExp(`steps\\.${drift.id}\\.outputs\\.([a-z-]+)`, 'g'))].map((m) => m[1]!);
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((o) => !(ACTION_OUTPUTS as readonly string[]).includes(o))).toEqual([]);
  });

  it('uploads SARIF, the HTML and the JSON report even when the gate failed the step', () => {
    const [sarif] = stepUsing('github/codeql-action/upload-sarif@');
    expect(sarif?.if).toMatch(/^always\(\)/);
    expect(sarif!.with!.sarif_file).toBe('${{ steps.drift.outputs.sarif }}');
    const uploads = stepUsing('actions/upload-artifact@');
    expect(uploads.map((s) => s.with!.path).sort()).toEqual(['${{ steps.drift.outputs.html }}', '${{ steps.drift.outputs.json }}']);
    for (const u of uploads) expect(u.if).toMatch(/^always\(\)/);
  });

  it("downloads the previous run's JSON with the same artefact name it uploads", () => {
    const [download] = stepUsing('actions/download-artifact@');
    const json = stepUsing('actions/upload-artifact@').find((s) => s.with!.path!.includes('outputs.json'))!;
    expect(download!.with!.name).toBe(json.with!.name);
    expect(download!.with).toMatchObject({ 'run-id': expect.stringContaining('steps.previous.outputs.run-id'), 'github-token': expect.any(String) });
    expect(steps.find((s) => s.id === 'previous')!.run).toContain(`name=${json.with!.name}`);
  });
});
