import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { loadBundledCloudTrailKnowledge } from '../../src/adapters/fs/bundled-mapping.js';

// AWS's Service Reference says, per action, whether IAM Access Analyzer policy generation identifies it from
// CloudTrail (`SupportedBy`). Trim keeps actions it does not identify unless a known data-event selector
// records them: their absence from the logs proves nothing.
describe('actions CloudTrail can and cannot identify', () => {
  const catalog = loadBundledCatalog();
  const knowledge = loadBundledCloudTrailKnowledge();

  it('follows the Service Reference flag in the catalog', () => {
    expect(catalog.identifiableFromCloudTrail('dynamodb:DeleteTable')).toBe(true);
    expect(catalog.identifiableFromCloudTrail('iam:CreateRole')).toBe(true);
    expect(catalog.identifiableFromCloudTrail('secretsmanager:getsecretvalue')).toBe(true);
    expect(catalog.identifiableFromCloudTrail('events:PutEvents')).toBe(false);
    expect(catalog.identifiableFromCloudTrail('dynamodb:GetItem')).toBe(false);
    expect(catalog.identifiableFromCloudTrail('nosuch:Thing')).toBe(false);
  });

  it('calls an action unidentifiable only when it is no known data event either', () => {
    // events:PutEvents: logged only as a data event on event buses, which the tables do not model yet: the
    // evidence table's exception says so
    expect(knowledge.unidentifiableReason('events:PutEvents')).toMatch(/data events/);
    // no evidence at all (no flag, no recorded event, no service line): the unknown tier's reason
    expect(knowledge.unidentifiableReason('a4b:ApproveSkill')).toMatch(/proves nothing/);
    expect(knowledge.observationEvidence('a4b:ApproveSkill')).toBeUndefined();
    // proven by a management record in the corpora (stratus-red-team bedrock-invoke-model)
    expect(knowledge.observationEvidence('bedrock:InvokeModel')?.source).toMatch(/recorded CloudTrail/);
    // documented tier: SNS's CloudTrail page says its management events are logged
    expect(knowledge.unidentifiableReason('sns:CreateTopic')).toBeUndefined();
    expect(knowledge.observationEvidence('sns:CreateTopic')?.tier).toBe('documented');
    expect(knowledge.observationEvidence('sqs:PurgeQueue')?.tier).toBe('proven');
    expect(knowledge.observationEvidence('sns:Publish')).toBeUndefined();
    // a data event: the trail's selectors decide
    expect(knowledge.unidentifiableReason('dynamodb:GetItem')).toBeUndefined();
    expect(knowledge.unidentifiableReason('s3:GetObject')).toBeUndefined();
    // management events AWS identifies
    expect(knowledge.unidentifiableReason('dynamodb:DeleteTable')).toBeUndefined();
    expect(knowledge.unidentifiableReason('sqs:PurgeQueue')).toBeUndefined();
  });
});
