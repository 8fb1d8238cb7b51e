/**
 * The IAM action each SDK command that policy-trim sends needs. One table, used by error messages
 * ("policy-trim lacks cloudtrail:LookupEvents") and checked against `docs/permissions.json` by a test.
 * Sources: the Service Authorization Reference pages for IAM, Lambda, CloudTrail, S3, CloudFormation and Athena
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 */
export const COMMAND_ACTIONS: Readonly<Record<string, string>> = {
  GetRoleCommand: 'iam:GetRole',
  ListRolePoliciesCommand: 'iam:ListRolePolicies',
  GetRolePolicyCommand: 'iam:GetRolePolicy',
  ListAttachedRolePoliciesCommand: 'iam:ListAttachedRolePolicies',
  GetPolicyCommand: 'iam:GetPolicy',
  GetPolicyVersionCommand: 'iam:GetPolicyVersion',
  ListFunctionsCommand: 'lambda:ListFunctions',
  GetFunctionConfigurationCommand: 'lambda:GetFunctionConfiguration',
  // `suggest --split-by-function`: which event sources Lambda's pollers read with the shared role.
  ListEventSourceMappingsCommand: 'lambda:ListEventSourceMappings',
  LookupEventsCommand: 'cloudtrail:LookupEvents',
  GetTrailCommand: 'cloudtrail:GetTrail',
  DescribeTrailsCommand: 'cloudtrail:DescribeTrails',
  GetEventSelectorsCommand: 'cloudtrail:GetEventSelectors',
  // ListObjectsV2 is authorized as s3:ListBucket on the bucket; GetObject as s3:GetObject on the object.
  ListObjectsV2Command: 's3:ListBucket',
  GetObjectCommand: 's3:GetObject',
  // `pr --stack`: the stack's parameters and ARN, then its resources' physical ids (adapters/aws/cloudformation.ts).
  DescribeStacksCommand: 'cloudformation:DescribeStacks',
  ListStackResourcesCommand: 'cloudformation:ListStackResources',
  // `drift` over `.policy-trim.yml`'s accounts: the read-only role of each account (adapters/aws/accounts.ts).
  AssumeRoleCommand: 'sts:AssumeRole',
  // `suggest --access-advisor`: the role's last-accessed report (adapters/aws/access-advisor.ts).
  GenerateServiceLastAccessedDetailsCommand: 'iam:GenerateServiceLastAccessedDetails',
  GetServiceLastAccessedDetailsCommand: 'iam:GetServiceLastAccessedDetails',
  // `suggest --verify-with-aws` and `--must-not-grant`: IAM Access Analyzer's custom policy checks (adapters/aws/access-analyzer.ts).
  CheckNoNewAccessCommand: 'access-analyzer:CheckNoNewAccess',
  CheckAccessNotGrantedCommand: 'access-analyzer:CheckAccessNotGranted',
  // `--athena` and `athena ddl --create` (adapters/aws/athena.ts): Athena then reads the table in Glue and the
  // trail's objects, and writes the results to S3, with the caller's credentials (docs/permissions/athena.json).
  StartQueryExecutionCommand: 'athena:StartQueryExecution',
  GetQueryExecutionCommand: 'athena:GetQueryExecution',
  GetQueryResultsCommand: 'athena:GetQueryResults',
  StopQueryExecutionCommand: 'athena:StopQueryExecution',
};

/** The IAM action for an SDK command class name (e.g. `LookupEventsCommand`), or undefined. */
export function actionForCommand(commandName: string): string | undefined {
  return COMMAND_ACTIONS[commandName];
}
