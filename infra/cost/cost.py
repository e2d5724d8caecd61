#!/usr/bin/env python3
"""`make cost`: what Parley costs in AWS, per 1,000 inbound messages, per
1,000 sends, per 1,000 campaign recipients, per idle day and per open tab,
computed from what `make bench` measured on this machine (DynamoDB capacity
units, round trips and invocations per action in target/bench/figures/, and
the release binaries' CPU in target/bench/lambda.json) and the price table in
infra/cost/prices.json (one file, with its date).

What is modelled rather than measured is said where it is used: Lambda's
billed duration is the measured CPU plus a DynamoDB round trip's latency in
AWS for each round trip, and an SQS event source's idle polling follows
Lambda's documented five long-poll connections of 20 s.
"""

import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "target" / "bench" / "figures"
PRICES = json.loads((ROOT / "infra" / "cost" / "prices.json").read_text())

MEMORY_GB = 128 / 1024  # template.yaml's Globals MemorySize
ROUND_TRIP_MS = 6.0  # a DynamoDB request inside one region, typical
LOG_BYTES_PER_INVOCATION = 1200  # START/END/REPORT lines and about two JSON lines of ours
IDLE_POLLS_PER_SOURCE_A_DAY = 5 * 3 * 60 * 24  # five connections, one 20 s long poll each


def template_counts():
    """SQS event sources, secrets and alarms the template deploys."""
    text = (ROOT / "template.yaml").read_text()
    return (text.count("\n          Type: SQS\n"), text.count("Type: AWS::SecretsManager::Secret"),
            text.count("Type: AWS::CloudWatch::Alarm"))


SQS_EVENT_SOURCES, SECRETS, ALARMS = template_counts()


def load(name):
    path = FIGURES / f"{name}.json"
    if not path.exists():
        sys.exit(f"cost: {path} is missing: run `make bench` first")
    return json.loads(path.read_text())


def handler_cpu_ms():
    """webhook-inbound's CPU per message from the release-binary benchmark."""
    path = ROOT / "target" / "bench" / "lambda.json"
    if path.exists():
        return json.loads(path.read_text())["inbound"]["cpu_us_per_event"] / 1000
    return 1.0


HANDLER_CPU_MS = handler_cpu_ms()


def lambda_cost(invocations, round_trips):
    """Requests, and GB-seconds for each invocation's CPU and its share of the round trips' waiting."""
    if invocations == 0:
        return 0.0
    billed_ms = math.ceil(HANDLER_CPU_MS + round_trips / invocations * ROUND_TRIP_MS)
    seconds = invocations * billed_ms / 1000
    logs = invocations * LOG_BYTES_PER_INVOCATION / 1e9 * PRICES["logs_per_gb_ingested"]
    return invocations * PRICES["lambda_per_request"] + seconds * MEMORY_GB * PRICES["lambda_arm64_per_gb_second"] + logs


def action(usage, http_requests, own_invocations, sqs_requests):
    """The cost of one action from what it used."""
    invocations = own_invocations + usage["sender_invocations"] + usage["events_invocations"]
    lines = {
        "DynamoDB": usage["write_units"] * PRICES["dynamodb_per_write_unit"] + usage["read_units"] * PRICES["dynamodb_per_read_unit"],
        "Lambda": lambda_cost(invocations, usage["round_trips"]),
        "HTTP API": http_requests * PRICES["http_api_per_request"],
        "SQS": sqs_requests * PRICES["sqs_per_request"],
    }
    return lines, invocations


def main():
    inbound, outbound, campaigns = load("inbound"), load("outbound"), load("campaigns")
    rows = []
    # An inbound message: Meta's POST through the HTTP API to webhook-inbound.
    lines, inv = action(inbound["known_contact"], http_requests=1, own_invocations=1, sqs_requests=0)
    rows.append(("1,000 inbound messages", lines, inbound["known_contact"], inv))
    # A reply: the staff API's POST, the sender (send, receive, delete on
    # SQS), and Meta's three status webhooks through the HTTP API.
    lines, inv = action(outbound["text_reply"], http_requests=4, own_invocations=4, sqs_requests=3)
    rows.append(("1,000 replies sent", lines, outbound["text_reply"], inv))
    lines, inv = action(outbound["utility_template"], http_requests=4, own_invocations=4, sqs_requests=3)
    rows.append(("1,000 templates sent", lines, outbound["utility_template"], inv))
    # A campaign recipient: the worker's step share, the sender and the
    # three status webhooks.
    recipient = campaigns["recipient"]
    lines, inv = action(recipient, http_requests=3, own_invocations=3 + campaigns["worker_invocations"],
                        sqs_requests=3 + 3 * campaigns["worker_invocations"])
    rows.append(("1,000 campaign recipients", lines, recipient, inv))

    print(f"Parley's AWS cost ({PRICES['region']}, {PRICES['currency']} list prices of {PRICES['as_of']}, before free tiers)")
    print(f"{'':<28}{'DynamoDB':>10}{'Lambda':>10}{'HTTP API':>10}{'SQS':>10}{'total':>10}   per action: WRU, RRU, invocations")
    totals = {}
    for label, lines, usage, inv in rows:
        per_thousand = {k: v * 1000 for k, v in lines.items()}
        total = sum(per_thousand.values())
        totals[label] = total
        print(f"{label:<28}" + "".join(f"{per_thousand[k]:>10.4f}" for k in ("DynamoDB", "Lambda", "HTTP API", "SQS"))
              + f"{total:>10.4f}   {usage['write_units']:.1f}, {usage['read_units']:.1f}, {inv:.2f}")

    idle_polls = SQS_EVENT_SOURCES * IDLE_POLLS_PER_SOURCE_A_DAY
    fixed = (SECRETS * PRICES["secret_per_month"] + ALARMS * PRICES["alarm_per_month"]) / 30
    idle = fixed + idle_polls * PRICES["sqs_per_request"]
    print(f"{'an idle day':<28}{'':>40}{idle:>10.4f}   {SECRETS} secrets and {ALARMS} alarms ${fixed:.3f}, "
          f"{idle_polls:,} SQS long polls by {SQS_EVENT_SOURCES} event sources ${idle_polls * PRICES['sqs_per_request']:.3f} "
          f"(inside SQS's free million a month: then ${fixed:.3f})")

    # One tab open 8 hours a working day on live push: a safety-net poll a
    # minute, a ping every 5 minutes and its pong, the socket's minutes.
    polls, pings, minutes = 480, 192, 480
    tab_day = (polls * PRICES["http_api_per_request"] + pings * PRICES["websocket_per_message"]
               + minutes * PRICES["websocket_per_connection_minute"] + lambda_cost(polls + pings // 2, polls * 2))
    print(f"{'an open tab, a working day':<28}{'':>40}{tab_day:>10.4f}   {polls} requests, {pings} socket messages; "
          f"${tab_day * 22:.3f} a month of 22 days")

    # A shop: 3 agents with a tab open all working day, 5,000 messages a
    # month (half in, half out; a tenth of the replies templates).
    shop = (2500 * totals["1,000 inbound messages"] + 2250 * totals["1,000 replies sent"]
            + 250 * totals["1,000 templates sent"]) / 1000 + 3 * 22 * tab_day + 30 * idle
    print(f"\nA shop of 3 agents and 5,000 messages a month: ${shop:.2f} a month "
          f"(${30 * idle:.2f} of it the idle floor), Meta's charges aside.")


if __name__ == "__main__":
    main()
