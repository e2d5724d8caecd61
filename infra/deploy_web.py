#!/usr/bin/env python3
"""Puts the built UI (web/dist) in the stack's UI bucket and asks CloudFront
to drop its cached index, but only when the UI changed since the last deploy,
so running `make deploy` twice changes nothing the second time.

Whether it changed is told by a digest of every file's path and bytes, kept
beside the UI as `.parley-web-sha256`: Vite writes fresh files on every
build, so S3's sizes and dates cannot tell. Hashed assets are cached for a
year and never deleted here (a tab still running the previous version may
yet load one of its lazy chunks); everything else is revalidated on each
visit. Prints the URLs staff and Meta's dashboard need.
"""

import argparse
import hashlib
import mimetypes
import pathlib
import sys

import boto3
from botocore.exceptions import ClientError

MARKER = ".parley-web-sha256"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
         ".webmanifest": "application/manifest+json", ".json": "application/json", ".html": "text/html"}


def files_of(dist: pathlib.Path) -> dict[str, bytes]:
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}


def digest(files: dict[str, bytes]) -> str:
    whole = hashlib.sha256()
    for key, body in files.items():
        whole.update(key.encode() + b"\0" + hashlib.sha256(body).digest())
    return whole.hexdigest()


def deployed_digest(s3, bucket: str) -> str | None:
    try:
        return s3.get_object(Bucket=bucket, Key=MARKER)["Body"].read().decode().strip()
    except ClientError as e:
        if e.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return None
        raise


def stack_outputs(stack: str) -> dict[str, str]:
    described = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def sync(s3, bucket: str, files: dict[str, bytes], dry_run: bool) -> int:
    """Uploads every file and removes stale non-asset ones; returns the count uploaded."""
    stale = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        stale.update(o["Key"] for o in page.get("Contents", []))
    stale -= set(files) | {MARKER}
    stale = {key for key in stale if not key.startswith("assets/")}
    for key, body in files.items():
        suffix = pathlib.PurePosixPath(key).suffix
        kind = TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"
        cache = IMMUTABLE if key.startswith("assets/") else REVALIDATE
        print(f"upload {key} ({kind}, {cache})")
        if not dry_run:
            s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=kind, CacheControl=cache)
    for key in sorted(stale):
        print(f"delete {key}")
        if not dry_run:
            s3.delete_object(Bucket=bucket, Key=key)
    return len(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", help="the stack whose WebBucketName and DistributionId outputs to use")
    parser.add_argument("--bucket", help="the UI bucket (instead of the stack's output)")
    parser.add_argument("--distribution", help="the CloudFront distribution id (instead of the stack's output)")
    parser.add_argument("--dist", default="web/dist", help="the built UI")
    parser.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
    args = parser.parse_args()

    dist = pathlib.Path(args.dist)
    if not (dist / "index.html").is_file():
        print(f"{dist}/index.html is missing: build the UI first (npm run build)", file=sys.stderr)
        return 2
    outputs = stack_outputs(args.stack) if args.stack else {}
    bucket = args.bucket or outputs.get("WebBucketName")
    distribution = args.distribution or outputs.get("DistributionId")
    if not bucket or not distribution:
        print("give --stack, or --bucket and --distribution", file=sys.stderr)
        return 2

    s3 = boto3.client("s3")
    files = files_of(dist)
    wanted = digest(files)
    if deployed_digest(s3, bucket) == wanted:
        print(f"UI unchanged ({wanted[:12]}): nothing uploaded, nothing invalidated")
    else:
        uploaded = sync(s3, bucket, files, args.dry_run)
        if args.dry_run:
            print(f"would upload {uploaded} files and invalidate /index.html and / on {distribution}")
        else:
            s3.put_object(Bucket=bucket, Key=MARKER, Body=wanted.encode(), ContentType="text/plain",
                          CacheControl=REVALIDATE)
            invalidation = boto3.client("cloudfront").create_invalidation(
                DistributionId=distribution,
                InvalidationBatch={"Paths": {"Quantity": 2, "Items": ["/index.html", "/"]}, "CallerReference": wanted},
            )["Invalidation"]["Id"]
            print(f"UI deployed ({wanted[:12]}): {uploaded} files, CloudFront invalidation {invalidation}")
    if outputs:
        print()
        print(f"  The app:          {outputs.get('Url', '?')}")
        print(f"  Meta's callback:  {outputs.get('WebhookUrl', '?')}")
        print("  Verify token:     the WhatsAppVerifyToken you deployed with (kept in Secrets Manager:")
        print(f"                    {outputs.get('AppSecretsArn', 'the stack AppSecrets secret')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
