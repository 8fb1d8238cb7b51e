/**
 * A command-line flag beats the file, the file beats the environment, a default applies last; groups (the
 * activity source, the window) come whole from one place; every value says where it came from.
 */
import { describe, expect, it } from 'vitest';
import { explainSettings, isSet, pickSetting, resolveSettings } from '../../src/core/config/precedence.js';
import { parseConfig } from '../../src/core/config/parse.js';
import { TODAY } from './support.js';

const FILE = [
  'version: 1',
  'aws:',
  '  profile: audit',
  '  regions: [eu-west-1, us-east-1]',
  'activity:',
  '  athena: { table: cloudtrail_logs, workgroup: wg }',
  '  trail-name: org-audit',
  '  trail-config: selectors.json',
  '  days: 90',
  'gate:',
  '  fail-on: [removable, unused-write]',
  '',
].join('\n');

const config = parseConfig(FILE, '.policy-trim.yml', { now: TODAY });

describe('pickSetting', () => {
  it('takes the strongest layer that sets a value, whatever the order given, and lists what it overrode', () => {
    const picked = pickSetting<string>([
      { layer: 'default', name: 'default', value: 'd' },
      { layer: 'env', name: 'X', value: 'e' },
      { layer: 'config', name: 'k', where: 'f:1:1', value: 'c' },
      { layer: 'flag', name: '--k', value: undefined },
    ]);
    expect(picked).toEqual({ value: 'c', from: { layer: 'config', name: 'k', where: 'f:1:1' }, overrides: [{ layer: 'env', name: 'X' }, { layer: 'default', name: 'default' }] });
  });

  it('an empty string, an empty list and false are not set; nothing set is undefined', () => {
    expect([undefined, null, '', [], false].map(isSet)).toEqual([false, false, false, false, false]);
    expect([0, 'x', ['x'], true].map(isSet)).toEqual([true, true, true, true]);
    expect(pickSetting([{ layer: 'flag', name: '--k', value: '' }, { layer: 'env', name: 'K', value: undefined }])).toBeUndefined();
  });
});

describe('resolveSettings', () => {
  it('the file beats the environment', () => {
    const s = resolveSettings({ flags: {}, config, env: { AWS_PROFILE: 'env-profile', AWS_REGION: 'ap-south-1' } });
    expect(s.values.profile).toBe('audit');
    expect(s.values.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(s.origins.profile!.from).toEqual({ layer: 'config', name: 'aws.profile', where: '.policy-trim.yml:3:12' });
    expect(s.origins.profile!.overrides).toEqual([{ layer: 'env', name: 'AWS_PROFILE' }]);
  });

  it('a flag beats the file (and --region stands for regions)', () => {
    const s = resolveSettings({ flags: { profile: 'cli', region: 'sa-east-1' }, config, env: { AWS_PROFILE: 'env-profile' } });
    expect(s.values.profile).toBe('cli');
    expect(s.values.regions).toEqual(['sa-east-1']);
    expect(s.origins.profile!.overrides.map((o) => o.layer)).toEqual(['config', 'env']);
  });

  it('the environment applies when neither flag nor file sets it, AWS_REGION before AWS_DEFAULT_REGION', () => {
    const s = resolveSettings({ flags: {}, env: { AWS_PROFILE: 'env-profile', AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'eu-north-1' } });
    expect(s.values).toEqual({ profile: 'env-profile', regions: ['ap-south-1'] });
    expect(s.origins.regions!.overrides).toEqual([{ layer: 'env', name: 'AWS_DEFAULT_REGION' }]);
  });

  it("the file's activity source comes as the flags that say the same, its paths resolved from the root", () => {
    const s = resolveSettings({ flags: { lookup: false }, config, env: {}, resolvePath: (p) => `/repo/${p}` });
    expect(s.values).toMatchObject({ athena: 'cloudtrail_logs', 'athena-workgroup': 'wg', 'trail-name': 'org-audit', 'trail-config': '/repo/selectors.json', days: 90 });
    expect(s.values).not.toHaveProperty('lookup');
    expect(s.origins.athena!.from).toEqual({ layer: 'config', name: 'activity.athena', where: '.policy-trim.yml:6:11' });
  });

  it('a source flag replaces the whole source group of the file (no Athena workgroup, no trail name left over)', () => {
    const s = resolveSettings({ flags: { trail: ['./logs'], lookup: false }, config, env: {} });
    expect(s.values.trail).toEqual(['./logs']);
    for (const k of ['athena', 'athena-workgroup', 'trail-name']) expect(s.values).not.toHaveProperty(k);
    expect(s.origins.trail!.from).toEqual({ layer: 'flag', name: '--trail' });
    expect(s.values['trail-config']).toBe('selectors.json'); // not part of the source group
  });

  it('a window flag replaces the whole window of the file (--since with the file\'s days is not a conflict)', () => {
    const s = resolveSettings({ flags: { since: '2026-10-01' }, config, env: {} });
    expect(s.values.since).toBe('2026-10-01');
    expect(s.values).not.toHaveProperty('days');
  });

  it('the gate from the file, aliases resolved; --fail-on replaces it', () => {
    expect(resolveSettings({ flags: {}, config, env: {} }).values['fail-on']).toEqual(['unused', 'unused-write']);
    expect(resolveSettings({ flags: { 'fail-on': ['denied'] }, config, env: {} }).values['fail-on']).toEqual(['denied']);
  });

  it('explains each value with its origin', () => {
    const s = resolveSettings({ flags: { profile: 'cli' }, config, env: { AWS_PROFILE: 'env-profile' } });
    expect(explainSettings(s)).toContain('profile = "cli" (from --profile; overrides aws.profile at .policy-trim.yml:3:12, AWS_PROFILE)');
    expect(explainSettings(s)).toContain('days = 90 (from activity.days at .policy-trim.yml:9:9)');
  });
});
