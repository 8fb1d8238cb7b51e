// Shared building blocks for synthetic CloudTrail logs: a seeded PRNG, CloudTrail-shaped record builders and the
// S3 delivery layout. Used by scripts/generate-example.mjs (the bundled example) and scripts/bench.mjs (the
// benchmark). Everything here is deterministic: no clock reads, no Math.random.
//
// Record shapes follow the AWS CloudTrail User Guide ("CloudTrail record contents", "Understanding CloudTrail
// events") and the per-service logging pages (S3, SQS, SNS, Secrets Manager, KMS, SSM, Lambda). Field order
// follows what CloudTrail delivers.

import { gzipSync } from 'node:zlib';

/**
 * A small seeded PRNG (sfc32, 128-bit state), so the same seed gives the same trail on every machine.
 * @param {number} seed 32-bit integer seed.
 */
export function createRng(seed) {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b);
  let c = 0xb7e15162 ^ Math.imul(seed, 0xc2b2ae35);
  let d = 1;
  const next32 = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next32(); // warm up: early outputs of sfc32 correlate with the seed
  const HEX = '0123456789abcdef';
  const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const rng = {
    /** Uniform float in [0, 1). */
    next: () => next32() / 4294967296,
    /** Uniform integer in [0, n). */
    int: (n) => Math.floor((next32() / 4294967296) * n),
    /** Uniform integer in [lo, hi]. */
    between: (lo, hi) => lo + Math.floor((next32() / 4294967296) * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor((next32() / 4294967296) * arr.length)],
    /** Pick from [[weight, value], ...]. */
    weighted: (pairs) => {
      let total = 0;
      for (const [w] of pairs) total += w;
      let r = (next32() / 4294967296) * total;
      for (const [w, v] of pairs) {
        if ((r -= w) < 0) return v;
      }
      return pairs[pairs.length - 1][1];
    },
    chars: (alphabet, n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += alphabet[Math.floor((next32() / 4294967296) * alphabet.length)];
      return s;
    },
    hex: (n) => rng.chars(HEX, n),
    alnum: (n) => rng.chars(ALNUM, n),
    /** Upper-case id in the style of AWS access key and principal ids (base32 alphabet). */
    awsId: (prefix, n) => prefix + rng.chars(UPPER_NUM, n),
    /** Version-4 shaped UUID. */
    uuid: () => {
      const h = rng.hex(32);
      const v = HEX[8 + (next32() & 3)];
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${v}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
  return rng;
}

/** ISO-8601 time without milliseconds, as CloudTrail writes `eventTime` (e.g. `2026-10-05T14:03:11Z`). */
export function isoSeconds(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Milliseconds since the epoch for a UTC date/time string (no clock read). */
export function utc(s) {
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new Error(`bad date ${s}`);
  return ms;
}

/**
 * User agent of the AWS SDK for JavaScript v3 inside Lambda: the `exec-env/AWS_Lambda_<runtime>` token is what
 * marks a call as made from a Lambda function.
 */
export function lambdaUserAgent(sdkService, runtime = 'nodejs20.x') {
  return `aws-sdk-js/3.637.0 ua/2.1 os/linux#5.10.227-239.884.amzn2.x86_64 lang/js md/nodejs#20.17.0 api/${sdkService}#3.637.0 exec-env/AWS_Lambda_${runtime}`;
}

/** userIdentity of a Lambda function calling with its execution role (session name = function name). */
export function assumedRoleIdentity({ account, roleName, roleId, session, accessKeyId, creationDate, partition = 'aws' }) {
  return {
    type: 'AssumedRole',
    principalId: `${roleId}:${session}`,
    arn: `arn:${partition}:sts::${account}:assumed-role/${roleName}/${session}`,
    accountId: account,
    accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: `arn:${partition}:iam::${account}:role/${roleName}`,
        accountId: account,
        userName: roleName,
      },
      webIdFederationData: {},
      attributes: { creationDate, mfaAuthenticated: 'false' },
    },
  };
}

/** userIdentity of an IAM user (long-term access key). */
export function iamUserIdentity({ account, userName, userId, accessKeyId }) {
  return {
    type: 'IAMUser',
    principalId: userId,
    arn: `arn:aws:iam::${account}:user/${userName}`,
    accountId: account,
    accessKeyId,
    userName,
  };
}

/**
 * One CloudTrail record.
 * @param {object} ctx `{rng, time (ms), identity, region, account, userAgent, sourceIp, error?: {code, message}, invokedBy?}`
 * @param {object} call `{eventSource, eventName, requestParameters, responseElements?, additionalEventData?, resources?, readOnly, data (bool), host?}`
 */
export function makeRecord(ctx, call) {
  const { rng } = ctx;
  const identity = ctx.invokedBy ? { ...ctx.identity, invokedBy: ctx.invokedBy } : ctx.identity;
  const rec = {
    eventVersion: call.data ? '1.10' : '1.09',
    userIdentity: identity,
    eventTime: isoSeconds(ctx.time),
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: ctx.region,
    sourceIPAddress: ctx.invokedBy ?? ctx.sourceIp,
    userAgent: ctx.invokedBy ?? ctx.userAgent,
  };
  if (ctx.error) {
    rec.errorCode = ctx.error.code;
    rec.errorMessage = ctx.error.message;
  }
  rec.requestParameters = call.requestParameters ?? null;
  rec.responseElements = ctx.error ? null : (call.responseElements ?? null);
  if (call.additionalEventData) rec.additionalEventData = call.additionalEventData;
  rec.requestID = call.requestId ?? rng.uuid();
  rec.eventID = rng.uuid();
  rec.readOnly = call.readOnly;
  if (call.resources) rec.resources = call.resources;
  rec.eventType = 'AwsApiCall';
  rec.managementEvent = !call.data;
  rec.recipientAccountId = ctx.account;
  if (ctx.invokedBy) rec.sharedEventID = rng.uuid();
  rec.eventCategory = call.data ? 'Data' : 'Management';
  if (!ctx.invokedBy) {
    rec.tlsDetails = {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: call.host ?? `${call.eventSource.split('.')[0]}.${ctx.region}.amazonaws.com`,
    };
  }
  return rec;
}

/** S3 request ids are 16 upper-case alphanumerics, not UUIDs. */
function s3RequestId(rng) {
  return rng.awsId('', 16);
}

/** The `x-amz-id-2` S3 echoes in additionalEventData: 76 base64-ish characters. */
function amzId2(rng) {
  return rng.alnum(76);
}

// ---------------------------------------------------------------------------------------------------------------
// Per-service call shapes. Each returns the `call` argument of makeRecord.

/** S3 object-level data event (GetObject, PutObject, DeleteObject, PutObjectAcl, HeadObject). */
export function s3ObjectCall(rng, { account, bucket, key, eventName, bytes = 0, acl }) {
  const write = eventName !== 'GetObject' && eventName !== 'HeadObject';
  const requestParameters = { bucketName: bucket, Host: `${bucket}.s3.amazonaws.com`, key };
  if (eventName === 'PutObjectAcl') requestParameters.acl = '';
  if (acl) requestParameters['x-amz-acl'] = acl;
  const responseElements = eventName === 'PutObject' ? { 'x-amz-server-side-encryption': 'AES256' } : null;
  return {
    eventSource: 's3.amazonaws.com',
    eventName,
    requestId: s3RequestId(rng),
    host: `${bucket}.s3.amazonaws.com`,
    requestParameters,
    responseElements,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: eventName === 'PutObject' ? bytes : 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': amzId2(rng),
      bytesTransferredOut: eventName === 'GetObject' ? bytes : 0,
    },
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
      { accountId: account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    readOnly: !write,
    data: true,
  };
}

/**
 * S3 ListObjectsV2: CloudTrail logs it as eventName `ListObjects` with `requestParameters["list-type"] = "2"`,
 * as a data event whose object resource carries an `ARNPrefix` instead of an `ARN`.
 */
export function s3ListObjectsV2Call(rng, { account, bucket, prefix }) {
  return {
    eventSource: 's3.amazonaws.com',
    eventName: 'ListObjects',
    requestId: s3RequestId(rng),
    host: `${bucket}.s3.amazonaws.com`,
    requestParameters: { 'list-type': '2', bucketName: bucket, 'encoding-type': 'url', prefix, Host: `${bucket}.s3.amazonaws.com` },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': amzId2(rng),
      bytesTransferredOut: 1200 + rng.int(4000),
    },
    resources: [
      { type: 'AWS::S3::Object', ARNPrefix: `arn:aws:s3:::${bucket}/${prefix}` },
      { accountId: account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    readOnly: true,
    data: true,
  };
}

/** S3 bucket-level management call (GetBucketLocation, DeleteBucket, PutBucketPolicy...). */
export function s3BucketCall(rng, { bucket, eventName, readOnly }) {
  return {
    eventSource: 's3.amazonaws.com',
    eventName,
    requestId: s3RequestId(rng),
    host: `${bucket}.s3.amazonaws.com`,
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.amazonaws.com` },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': amzId2(rng),
      bytesTransferredOut: 0,
    },
    resources: undefined,
    readOnly,
    data: false,
  };
}

/** DynamoDB item-level data event (GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan). */
export function dynamodbItemCall(rng, { account, region, table, index, eventName, key }) {
  const requestParameters = { tableName: table };
  if (index) requestParameters.indexName = index;
  if (eventName === 'Query') {
    requestParameters.keyConditionExpression = '#pk = :pk';
    requestParameters.limit = 25;
  } else if (eventName === 'Scan') {
    requestParameters.limit = 100;
  } else {
    requestParameters.key = { pk: key, sk: 'ORDER' };
  }
  if (eventName === 'PutItem' || eventName === 'UpdateItem') requestParameters.returnValues = 'NONE';
  const tableArn = `arn:aws:dynamodb:${region}:${account}:table/${table}`;
  return {
    eventSource: 'dynamodb.amazonaws.com',
    eventName,
    requestParameters,
    responseElements: null,
    additionalEventData: undefined,
    resources: [{ accountId: account, type: 'AWS::DynamoDB::Table', ARN: tableArn }],
    readOnly: eventName === 'GetItem' || eventName === 'Query' || eventName === 'Scan',
    data: true,
  };
}

/** DynamoDB table-level management call (DescribeTable, UpdateTable, DeleteTable, CreateTable). */
export function dynamodbTableCall(rng, { account, region, table, eventName }) {
  return {
    eventSource: 'dynamodb.amazonaws.com',
    eventName,
    requestParameters: { tableName: table },
    responseElements: null,
    resources: [{ accountId: account, type: 'AWS::DynamoDB::Table', ARN: `arn:aws:dynamodb:${region}:${account}:table/${table}` }],
    readOnly: eventName.startsWith('Describe') || eventName.startsWith('List'),
    data: false,
  };
}

/** SQS data event (SendMessage, ReceiveMessage, DeleteMessage, ChangeMessageVisibility) or management call. */
export function sqsCall(rng, { account, region, queue, eventName, data = true }) {
  const queueUrl = `https://sqs.${region}.amazonaws.com/${account}/${queue}`;
  const requestParameters = { queueUrl };
  let responseElements = null;
  if (eventName === 'SendMessage') {
    requestParameters.messageBody = 'HIDDEN_DUE_TO_SECURITY_REASONS';
    requestParameters.messageAttributes = 'HIDDEN_DUE_TO_SECURITY_REASONS';
    responseElements = { mD5OfMessageBody: rng.hex(32), messageId: rng.uuid() };
  } else if (eventName === 'ReceiveMessage') {
    requestParameters.maxNumberOfMessages = 10;
    requestParameters.waitTimeSeconds = 20;
    requestParameters.visibilityTimeout = 60;
  } else if (eventName === 'DeleteMessage' || eventName === 'ChangeMessageVisibility') {
    requestParameters.receiptHandle = 'HIDDEN_DUE_TO_SECURITY_REASONS';
  }
  return {
    eventSource: 'sqs.amazonaws.com',
    eventName,
    requestParameters,
    responseElements,
    resources: [{ accountId: account, type: 'AWS::SQS::Queue', ARN: `arn:aws:sqs:${region}:${account}:${queue}` }],
    readOnly: eventName === 'ReceiveMessage' || eventName.startsWith('Get') || eventName.startsWith('List'),
    data,
  };
}

/** SNS Publish data event. */
export function snsPublishCall(rng, { account, region, topic }) {
  const topicArn = `arn:aws:sns:${region}:${account}:${topic}`;
  return {
    eventSource: 'sns.amazonaws.com',
    eventName: 'Publish',
    requestParameters: { topicArn, message: 'HIDDEN_DUE_TO_SECURITY_REASONS', messageAttributes: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
    responseElements: { messageId: rng.uuid() },
    resources: [{ accountId: account, type: 'AWS::SNS::Topic', ARN: topicArn }],
    readOnly: false,
    data: true,
  };
}

/** Secrets Manager GetSecretValue (a management event, read-only) by name or ARN. */
export function secretsGetSecretValueCall(rng, { secretId }) {
  return {
    eventSource: 'secretsmanager.amazonaws.com',
    eventName: 'GetSecretValue',
    requestParameters: { secretId },
    responseElements: null,
    readOnly: true,
    data: false,
  };
}

/**
 * KMS Decrypt made by another service (Secrets Manager, SSM) on the caller's behalf: logged under the caller's
 * identity with `invokedBy`; the key is only in `resources[]`.
 */
export function kmsDecryptCall(rng, { account, region, keyId, encryptionContext }) {
  return {
    eventSource: 'kms.amazonaws.com',
    eventName: 'Decrypt',
    requestParameters: { encryptionContext, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    responseElements: null,
    resources: [{ accountId: account, type: 'AWS::KMS::Key', ARN: `arn:aws:kms:${region}:${account}:key/${keyId}` }],
    readOnly: true,
    data: false,
  };
}

/** SSM GetParameter with the name as the SDK sends it (leading slash kept). */
export function ssmGetParameterCall(rng, { name, withDecryption = true }) {
  return {
    eventSource: 'ssm.amazonaws.com',
    eventName: 'GetParameter',
    requestParameters: { name, withDecryption },
    responseElements: null,
    readOnly: true,
    data: false,
  };
}

/** Lambda Invoke (data event; eventName `Invoke`, action `lambda:InvokeFunction`). */
export function lambdaInvokeCall(rng, { account, region, functionName, invocationType = 'Event' }) {
  const arn = `arn:aws:lambda:${region}:${account}:function:${functionName}`;
  return {
    eventSource: 'lambda.amazonaws.com',
    eventName: 'Invoke',
    requestParameters: { functionName: arn, invocationType },
    responseElements: null,
    additionalEventData: { functionVersion: `${arn}:$LATEST` },
    resources: [{ accountId: account, type: 'AWS::Lambda::Function', ARN: arn }],
    readOnly: false,
    data: true,
  };
}

/** Step Functions StartExecution (management event). */
export function statesStartExecutionCall(rng, { account, region, stateMachine }) {
  return {
    eventSource: 'states.amazonaws.com',
    eventName: 'StartExecution',
    requestParameters: { stateMachineArn: `arn:aws:states:${region}:${account}:stateMachine:${stateMachine}`, name: rng.uuid(), input: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
    responseElements: null,
    readOnly: false,
    data: false,
  };
}

/** A generic management call with explicit parameters (IAM, Lambda control plane, ...). */
export function managementCall({ eventSource, eventName, requestParameters, responseElements = null, resources, readOnly }) {
  return { eventSource, eventName, requestParameters, responseElements, resources, readOnly, data: false };
}

// ---------------------------------------------------------------------------------------------------------------
// Delivery layout.

/**
 * Key of a log file in the CloudTrail S3 delivery layout:
 * `AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz`,
 * where the date and time are the delivery time (UTC) and UNIQUE is 16 characters.
 */
export function deliveryKey(account, region, deliveryMs, unique) {
  const iso = new Date(deliveryMs).toISOString();
  const [y, m, d] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  const stamp = `${y}${m}${d}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  return `AWSLogs/${account}/CloudTrail/${region}/${y}/${m}/${d}/${account}_CloudTrail_${region}_${stamp}_${unique}.json.gz`;
}

/** Serialize records as CloudTrail does: one `{"Records":[...]}` object. */
export function logFileJson(records) {
  return JSON.stringify({ Records: records });
}

/** Gzip a log file body (level 9: the committed example stays small). */
export function gzipLogFile(json, level = 9) {
  return gzipSync(Buffer.from(json, 'utf8'), { level });
}
