#!/usr/bin/env python3
"""What `make destroy` does to a stack's data, step by step.

  remember      write the names of what the stack holds (its outputs) to --kept
  stack-exists  exit 0 when the stack is there, 1 when it is gone
  empty         empty the UI and export buckets, so CloudFormation can delete them,
                and delete the accounts' own access tokens (secrets the API made)
  delete-kept   delete what the stack keeps when it goes: the table, the media
                bucket (every version of every file) and the contact-id key

The names come from the --kept file, so `delete-kept` works after the stack
itself is gone.
"""

import argparse
import json
import pathlib
import sys

import boto3
from botocore.exceptions import ClientError

# Emptied before the stack goes; the rest is kept unless asked.
EMPTIED = ("WebBucketName", "ExportBucketName")
KEPT = ("TableName", "MediaBucketName", "ContactIdKeyArn")


def missing(error: ClientError) -> bool:
    code = error.response["Error"]["Code"]
    return code in ("NoSuchBucket", "ResourceNotFoundException", "ValidationError", "404")


def remember(stack: str, kept: pathlib.Path) -> None:
    described = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    names = {key: outputs[key] for key in EMPTIED + KEPT if key in outputs}
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(json.dumps(names, indent=2) + "\n")
    print(f"the stack's data is named in {kept}")


def stack_exists(stack: str) -> bool:
    try:
        stacks = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    except ClientError as e:
        if missing(e):
            return False
        raise
    return any(s["StackStatus"] != "DELETE_COMPLETE" for s in stacks)


def empty_bucket(bucket: str) -> int:
    """Deletes every version of every object (and delete marker); returns how many."""
    s3 = boto3.client("s3")
    removed = 0
    try:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            doomed = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                      for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
            for start in range(0, len(doomed), 1000):
                s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed[start:start + 1000], "Quiet": True})
            removed += len(doomed)
    except ClientError as e:
        if missing(e):
            return 0
        raise
    return removed


def delete_account_tokens(stack: str) -> int:
    """Deletes the WhatsApp Business Accounts' own token secrets the API
    created at run time (CloudFormation does not know them); returns how many."""
    secrets = boto3.client("secretsmanager")
    prefix = f"{stack}/account-token/"
    doomed = [
        secret["ARN"]
        for page in secrets.get_paginator("list_secrets").paginate(Filters=[{"Key": "name", "Values": [prefix]}])
        for secret in page.get("SecretList", [])
        if secret["Name"].startswith(prefix)
    ]
    for arn in doomed:
        try:
            secrets.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
        except ClientError as e:
            if not missing(e):
                raise
    return len(doomed)


def delete_kept(names: dict[str, str]) -> None:
    table = names.get("TableName")
    if table:
        dynamodb = boto3.client("dynamodb")
        try:
            dynamodb.update_table(TableName=table, DeletionProtectionEnabled=False)
            dynamodb.delete_table(TableName=table)
            print(f"deleted the table {table}")
        except ClientError as e:
            if not missing(e):
                raise
            print(f"the table {table} was already gone")
    bucket = names.get("MediaBucketName")
    if bucket:
        removed = empty_bucket(bucket)
        try:
            boto3.client("s3").delete_bucket(Bucket=bucket)
            print(f"deleted the media bucket {bucket} ({removed} files and versions)")
        except ClientError as e:
            if not missing(e):
                raise
            print(f"the media bucket {bucket} was already gone")
    key = names.get("ContactIdKeyArn")
    if key:
        try:
            boto3.client("secretsmanager").delete_secret(SecretId=key, ForceDeleteWithoutRecovery=True)
            print("deleted the contact-id key")
        except ClientError as e:
            if not missing(e):
                raise
            print("the contact-id key was already gone")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--kept", required=True, type=pathlib.Path, help="where the names are written and read")
    parser.add_argument("step", choices=["remember", "stack-exists", "empty", "delete-kept"])
    args = parser.parse_args()
    if args.step == "remember":
        remember(args.stack, args.kept)
        return 0
    if args.step == "stack-exists":
        return 0 if stack_exists(args.stack) else 1
    if not args.kept.is_file():
        print(f"{args.kept} is missing: nothing is known of the stack's data", file=sys.stderr)
        return 2
    names = json.loads(args.kept.read_text())
    if args.step == "empty":
        for output in EMPTIED:
            if output in names:
                print(f"emptied {names[output]}: {empty_bucket(names[output])} files and versions")
        print(f"deleted {delete_account_tokens(args.stack)} accounts' own access tokens")
    else:
        delete_kept(names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
