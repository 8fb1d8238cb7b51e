import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCatalog, createCatalogFromText } from '../../src/core/catalog/catalog.js';
import { CatalogDataError } from '../../src/core/catalog/raw-data.js';
import { dataDir } from '../../src/adapters/fs/bundled-data.js';
import { tinyCatalogJson, tinyOperationsJson } from '../support/catalog-fixture.js';

const catText = readFileSync(join(dataDir(), 'iam', 'catalog.json'), 'utf8');
const opText = readFileSync(join(dataDir(), 'iam', 'operations.json'), 'utf8');

describe('createCatalogFromText (lazy, line per service)', () => {
  // Reference: the same files parsed whole.
  const whole = createCatalog(JSON.parse(catText), JSON.parse(opText));
  const lazy = createCatalogFromText(catText, opText);

  it('answers every kind of query exactly like the fully parsed catalog', () => {
    expect(lazy.info()).toEqual(whole.info());
    expect(lazy.services()).toEqual(whole.services());
    for (const q of ['s3:GetObject', 'LAMBDA:invokefunction', 'iam:PassRole', 'nosuch:X']) expect(lazy.action(q)).toEqual(whole.action(q));
    for (const p of ['s3:Get*', '*:Describe*', 'dynamodb:*Item', '*']) expect(lazy.expandActionPattern(p)).toEqual(whole.expandActionPattern(p));
    expect(lazy.expandNotAction(['s3:*', 'ec2:*'])).toEqual(whole.expandNotAction(['s3:*', 'ec2:*']));
    expect(lazy.actionsOf('sqs')).toEqual(whole.actionsOf('sqs'));
    expect(lazy.serviceName('lambda')).toBe(whole.serviceName('lambda'));
    for (const k of ['aws:SourceArn', 'aws:RequestTag/x', 's3:prefix', 'iam:PassedToService', 'nope:x']) {
      expect(lazy.conditionKeyType(k)).toBe(whole.conditionKeyType(k));
    }
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:f:3';
    expect(lazy.resourceTypesOfArn(arn)).toEqual(whole.resourceTypesOfArn(arn));
    expect(lazy.resourceType('secretsmanager', 'secret')).toEqual(whole.resourceType('secretsmanager', 'secret'));
    const parts = { Partition: 'aws', Region: 'r', Account: '1', FunctionName: 'f' };
    expect(lazy.arnFor('lambda', 'function', parts)).toBe(whole.arnFor('lambda', 'function', parts));
    for (const [svc, op] of [['s3', 'ListObjectsV2'], ['lambda', 'CreateFunction'], ['sqs', 'SendMessage'], ['sts', 'Nope']] as const) {
      expect(lazy.operationActions(svc, op)).toEqual(whole.operationActions(svc, op));
    }
  });

  it('falls back to a whole parse for other JSON layouts (e.g. pretty-printed)', () => {
    const c = createCatalogFromText(JSON.stringify(tinyCatalogJson, null, 2), JSON.stringify(tinyOperationsJson));
    expect(c.expandActionPattern('s3:*')).toHaveLength(4);
    expect(c.operationActions('lambda', 'Invoke')).toEqual([{ action: 'lambda:InvokeFunction' }]);
  });

  it('names the file and line of a damaged service entry, and only when that service is used', () => {
    const lines = catText.split('\n');
    const i = lines.findIndex((l) => l.startsWith('"sqs":'));
    lines[i] = '"sqs":{"a":{"SendMessage":["W"]';
    const c = createCatalogFromText(lines.join('\n'), opText);
    expect(c.action('s3:GetObject')?.id).toBe('s3:GetObject'); // other services still work
    expect(() => c.action('sqs:SendMessage')).toThrow(CatalogDataError);
    expect(() => c.action('sqs:SendMessage')).toThrow(new RegExp(`data/iam/catalog\\.json line ${i + 1} \\("sqs"\\)`));
  });

  it('rejects text that is not JSON at all, naming the file', () => {
    expect(() => createCatalogFromText('not json', opText)).toThrow(/data\/iam\/catalog\.json: not valid JSON/);
  });
});
