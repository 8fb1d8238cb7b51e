/**
 * A tiny hand-written catalog in the generated format (see data/iam/catalog.json meta.format), so unit
 * tests can state exact expected results without depending on the size of the real data.
 */
export const tinyCatalogJson = {
  meta: {
    source: 'test-source@1.0.0',
    updatedAt: '2026-01-02',
    counts: { services: 3, actions: 6, resourceTypes: 5, conditionKeys: 4 },
  },
  services: {
    s3: {
      n: 'Amazon S3',
      a: {
        GetObject: ['R', ['accesspointobject', 'object']],
        ListBucket: ['L', ['bucket*'], ['s3:prefix']],
        PutBucketPolicy: ['P', ['bucket*']],
        PutObjectTagging: ['T', ['object*'], ['aws:RequestTag/${TagKey}']],
      },
      r: {
        accesspointobject: ['arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}/object/${ObjectName}'],
        bucket: ['arn:${Partition}:s3:::${BucketName}'],
        object: ['arn:${Partition}:s3:::${BucketName}/${ObjectName}', ['s3:ExistingObjectTag/${TagKey}']],
      },
      c: { 'aws:RequestTag/${TagKey}': 'String', 's3:prefix': 'String', 's3:ExistingObjectTag/${TagKey}': 'String' },
    },
    'a-b': { a: { Do: ['W'] }, r: {}, c: {} },
    lambda: {
      n: 'AWS Lambda',
      a: { InvokeFunction: ['W', ['function*']] },
      r: {
        function: ['arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}'],
        'function version': ['arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Version}'],
      },
      c: { 'lambda:FunctionArn': 'ARN' },
    },
  },
};

export const tinyOperationsJson = {
  meta: { source: 'AWS Service Reference snapshot test' },
  services: {
    lambda: {
      ops: {
        Invoke: ['lambda:InvokeFunction'],
        CreateFunction: ['lambda:CreateFunction', ['iam:PassRole', { 'iam:PassedToService': ['lambda.amazonaws.com'] }]],
      },
      same: ['InvokeFunction'],
    },
  },
};
