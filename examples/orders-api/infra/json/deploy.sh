#!/bin/sh
# Applies roles/*.json and policies/*.json with the AWS CLI (run by the platform team's pipeline).
#   roles/NAME.json    the role: trust policy, inline policies (InlinePolicies: name -> document), attachments
#   policies/NAME.json a customer-managed policy's document (a new default version on each change)
set -eu
cd "$(dirname "$0")"
account=$(aws sts get-caller-identity --query Account --output text)

for file in policies/*.json; do
  arn="arn:aws:iam::$account:policy/$(basename "$file" .json)"
  # IAM keeps five versions: drop the oldest non-default one first.
  old=$(aws iam list-policy-versions --policy-arn "$arn" \
    --query 'Versions[?!IsDefaultVersion] | sort_by(@, &CreateDate)[0].VersionId' --output text)
  [ "$old" = None ] || aws iam delete-policy-version --policy-arn "$arn" --version-id "$old"
  aws iam create-policy-version --policy-arn "$arn" --policy-document "file://$file" --set-as-default
done

for file in roles/*.json; do
  role=$(jq -r .RoleName "$file")
  aws iam update-assume-role-policy --role-name "$role" --policy-document "$(jq -c .AssumeRolePolicyDocument "$file")"
  for name in $(jq -r '.InlinePolicies | keys[]' "$file"); do
    aws iam put-role-policy --role-name "$role" --policy-name "$name" \
      --policy-document "$(jq -c --arg n "$name" '.InlinePolicies[$n]' "$file")"
  done
  for arn in $(jq -r '.ManagedPolicyArns[]' "$file"); do
    aws iam attach-role-policy --role-name "$role" --policy-arn "$arn"
  done
done
