/** Live-AWS adapters: IAM policies, Lambda functions, CloudTrail Event history, trail buckets. */
export * from './actions.js';
export * from './config.js';
export * from './errors.js';
export * from './iam.js';
export * from './lambda.js';
export * from './lookup.js';
export * from './pacer.js';
export * from './s3-trail.js';
export * from './trail-config.js';
export * from './progress.js';
export * from './live.js';
export * from './cloudformation.js';
export * from './accounts.js';
export * from './access-advisor.js';
export * from './access-analyzer.js';
