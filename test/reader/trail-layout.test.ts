import { describe, expect, it } from 'vitest';
import {
  deliveryDays,
  formatTrailFileName,
  isDigestPath,
  parseTrailFileName,
  parseTrailPath,
  pathMayHoldWindow,
  trailKeyPrefixes,
} from '../../src/core/trail/layout.js';

const W = (since: string, until: string) => ({ since: new Date(since), until: new Date(until) });

describe('parseTrailPath', () => {
  it('reads the account layout under any prefix, down to the file', () => {
    expect(
      parseTrailPath(
        'bucket-prefix/x/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/05/111122223333_CloudTrail_eu-west-1_20261005T0010Z_abc.json.gz',
      ),
    ).toEqual({
      prefix: 'bucket-prefix/x',
      accountId: '111122223333',
      logType: 'CloudTrail',
      region: 'eu-west-1',
      year: 2026,
      month: 10,
      day: 5,
      fileName: '111122223333_CloudTrail_eu-west-1_20261005T0010Z_abc.json.gz',
    });
  });

  it('reads the Organization layout', () => {
    expect(parseTrailPath('AWSLogs/o-aa11bb22cc/111122223333/CloudTrail/us-east-1/2026/10/')).toEqual({
      prefix: '',
      organizationId: 'o-aa11bb22cc',
      accountId: '111122223333',
      logType: 'CloudTrail',
      region: 'us-east-1',
      year: 2026,
      month: 10,
    });
  });

  it('reads partial paths and Windows separators, and rejects paths outside the layout', () => {
    expect(parseTrailPath('C:\\logs\\AWSLogs\\111122223333\\CloudTrail\\us-east-1\\2026')).toMatchObject({
      prefix: 'C:/logs',
      region: 'us-east-1',
      year: 2026,
    });
    expect(parseTrailPath('/tmp/logs/2026/10/05')).toBeUndefined();
    expect(parseTrailPath('AWSLogs/111122223333/elasticloadbalancing/us-east-1/2026/10/05')).toBeUndefined();
    // A non-date folder under the region stops the date reading (no pruning from it).
    expect(parseTrailPath('AWSLogs/111122223333/CloudTrail/us-east-1/old/2026')).toMatchObject({ region: 'us-east-1' });
    expect(parseTrailPath('AWSLogs/111122223333/CloudTrail/us-east-1/old/2026')?.year).toBeUndefined();
  });
});

describe('CloudTrail file names', () => {
  it('parses the standard name and formats it back', () => {
    const name = '111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz'; // AWS's documented example
    const p = parseTrailFileName(name);
    expect(p).toEqual({
      accountId: '111122223333',
      region: 'us-east-2',
      deliveredAt: new Date('2015-08-01T02:10:00Z'),
      unique: 'Mu0KsOhtH1ar15ZZ',
      extension: 'json.gz',
      digest: false,
    });
    expect(formatTrailFileName('111122223333', 'us-east-2', new Date('2015-08-01T02:10:42Z'), 'Mu0KsOhtH1ar15ZZ')).toBe(name);
    expect(parseTrailFileName('111122223333_CloudTrail-Digest_us-east-2_20150801T0210Z_x.json.gz')?.digest).toBe(true);
    expect(parseTrailFileName('111122223333_CloudTrail_us-east-2_20151301T0210Z_x.json.gz')).toBeUndefined();
    expect(parseTrailFileName('records.json')).toBeUndefined();
  });

  it('recognises digest paths', () => {
    expect(isDigestPath('AWSLogs/1/CloudTrail-Digest/us-east-1/2026/10/05/x.json.gz')).toBe(true);
    expect(isDigestPath('AWSLogs/1/CloudTrail/us-east-1/2026/10/05/x.json.gz')).toBe(false);
  });
});

describe('pathMayHoldWindow', () => {
  const base = 'p/AWSLogs/111122223333/CloudTrail/us-east-1';
  const window = W('2026-10-02T00:00:00Z', '2026-10-03T12:00:00Z');

  it('prunes day folders delivered entirely before since (no margin needed: files hold only earlier records)', () => {
    expect(pathMayHoldWindow(`${base}/2026/10/01`, window)).toBe(false);
    expect(pathMayHoldWindow(`${base}/2026/10/02`, window)).toBe(true);
  });

  it('keeps the day after until (a record late on the last day is delivered the next day) and prunes beyond', () => {
    expect(pathMayHoldWindow(`${base}/2026/10/03`, window)).toBe(true);
    expect(pathMayHoldWindow(`${base}/2026/10/04`, window)).toBe(true);
    expect(pathMayHoldWindow(`${base}/2026/10/05`, window)).toBe(false);
  });

  it('uses the file name time for finer pruning', () => {
    const file = (t: string) => `${base}/2026/10/04/111122223333_CloudTrail_us-east-1_${t}_u.json.gz`;
    expect(pathMayHoldWindow(file('20261004T1159Z'), window)).toBe(true); // may hold a record from 10/03 11:59
    expect(pathMayHoldWindow(file('20261004T1200Z'), window)).toBe(false); // delivered ≥ 24 h after until
    // The minute in the name is truncated: a file named 23:59 on 10/01 was delivered before 10/02 00:00.
    expect(pathMayHoldWindow(`${base}/2026/10/01/111122223333_CloudTrail_us-east-1_20261001T2359Z_u.json.gz`, window)).toBe(false);
    expect(pathMayHoldWindow(`${base}/2026/10/02/111122223333_CloudTrail_us-east-1_20261002T0000Z_u.json.gz`, window)).toBe(true);
  });

  it('prunes whole months and years', () => {
    expect(pathMayHoldWindow(`${base}/2025`, window)).toBe(false);
    expect(pathMayHoldWindow(`${base}/2026/09`, window)).toBe(false);
    expect(pathMayHoldWindow(`${base}/2026/10`, window)).toBe(true);
    expect(pathMayHoldWindow(`${base}/2026/11`, window)).toBe(false);
    expect(pathMayHoldWindow(`${base}/2027`, window)).toBe(false);
  });

  it('never prunes without a window, outside the layout, or above the date folders', () => {
    expect(pathMayHoldWindow(`${base}/2025/01/01`, undefined)).toBe(true);
    expect(pathMayHoldWindow('/some/dir/2025/01/01', window)).toBe(true);
    expect(pathMayHoldWindow(base, window)).toBe(true);
  });

  it('honours a custom delivery delay', () => {
    expect(pathMayHoldWindow(`${base}/2026/10/04`, window, { maxDeliveryDelayMs: 60 * 60_000 })).toBe(false);
  });
});

describe('deliveryDays and trailKeyPrefixes', () => {
  it('lists the day folders from day(since) to day(until + delay)', () => {
    expect(deliveryDays(W('2026-10-30T10:00:00Z', '2026-11-01T00:00:00Z'))).toEqual(['2026/10/30', '2026/10/31', '2026/11/01']);
    expect(deliveryDays(W('2026-10-30T10:00:00Z', '2026-10-31T00:00:00Z'), { maxDeliveryDelayMs: 15 * 60_000 })).toEqual([
      '2026/10/30',
      '2026/10/31',
    ]);
    expect(deliveryDays(W('2026-10-30T10:00:00Z', '2026-10-30T12:00:00Z'), { maxDeliveryDelayMs: 15 * 60_000 })).toEqual([
      '2026/10/30',
    ]);
    expect(() => deliveryDays({ since: new Date('2026-10-30T00:00:00Z') })).toThrow(/both since and until/);
  });

  it('builds sorted key prefixes per account, region and day, with or without an Organization id', () => {
    const window = W('2026-10-31T00:00:00Z', '2026-11-01T00:00:00Z');
    expect(trailKeyPrefixes({ prefix: 'logs/', accountIds: ['222233334444'], regions: ['us-east-1', 'eu-west-1'], window })).toEqual([
      'logs/AWSLogs/222233334444/CloudTrail/eu-west-1/2026/10/31/',
      'logs/AWSLogs/222233334444/CloudTrail/eu-west-1/2026/11/01/',
      'logs/AWSLogs/222233334444/CloudTrail/us-east-1/2026/10/31/',
      'logs/AWSLogs/222233334444/CloudTrail/us-east-1/2026/11/01/',
    ]);
    expect(
      trailKeyPrefixes({ organizationId: 'o-aa11bb22cc', accountIds: ['222233334444'], regions: ['us-east-1'], window, maxDeliveryDelayMs: 0 }),
    ).toEqual(['AWSLogs/o-aa11bb22cc/222233334444/CloudTrail/us-east-1/2026/10/31/']);
  });

  it('every listed prefix is one pathMayHoldWindow keeps, and the next day is one it prunes', () => {
    const window = W('2026-10-02T06:00:00Z', '2026-10-09T18:00:00Z');
    const prefixes = trailKeyPrefixes({ accountIds: ['111122223333'], regions: ['us-east-1'], window });
    for (const p of prefixes) expect(pathMayHoldWindow(p, window)).toBe(true);
    expect(prefixes[0]).toContain('2026/10/02/');
    expect(prefixes.at(-1)).toContain('2026/10/10/');
    expect(pathMayHoldWindow('AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/11/', window)).toBe(false);
    expect(pathMayHoldWindow('AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/', window)).toBe(false);
  });
});
