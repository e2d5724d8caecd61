#!/usr/bin/env python3
"""The usual Python shape of a WhatsApp webhook on Lambda, for `make bench`
to compare Parley with: the AWS samples' handler (a boto3 client built at
init, the signature checked, a PutItem per message), run by a custom-runtime
loop over Lambda's Runtime API as Lambda's Python runtime would. It stores
each message once (a conditional put on the wamid) and does nothing else:
no contact record, window, counters or events, which Parley's inbound does.
"""

import hashlib
import hmac
import json
import os
import urllib.request

import boto3

API = f"http://{os.environ['AWS_LAMBDA_RUNTIME_API']}/2018-06-01/runtime"
TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
SECRET = os.environ["WHATSAPP_APP_SECRET"].encode()


def handler(event):
    body = event["body"]
    expected = "sha256=" + hmac.new(SECRET, body.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, event["headers"].get("x-hub-signature-256", "")):
        return {"statusCode": 401}
    for entry in json.loads(body)["entry"]:
        for change in entry["changes"]:
            for message in change["value"].get("messages", []):
                try:
                    TABLE.put_item(
                        Item={"pk": f"PYMSG#{message['from']}", "sk": message["id"], "body": json.dumps(message)},
                        ConditionExpression="attribute_not_exists(pk)",
                    )
                except TABLE.meta.client.exceptions.ConditionalCheckFailedException:
                    pass
    return {"statusCode": 200}


def main():
    while True:
        with urllib.request.urlopen(f"{API}/invocation/next") as response:
            request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
            event = json.loads(response.read())
        answer = json.dumps(handler(event)).encode()
        urllib.request.urlopen(urllib.request.Request(f"{API}/invocation/{request_id}/response", data=answer, method="POST")).read()


if __name__ == "__main__":
    main()
