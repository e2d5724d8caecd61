#!/usr/bin/env python3
"""What a call costs at the pace it comes: the floor and webhook-inbound,
each run back to back and with an idle gap before every call.

`make bench` compares the webhook with the floor paced as the webhook ran,
because a function called every few milliseconds finds its core idle and
its caches cold at each call, and pays for it in CPU, whatever it runs.
This measures that cost, for the README's "The floor's pace":

- the floor (`lambda-floor`) with each gap of --gaps-ms before each call;
- webhook-inbound as it runs, and with --extra-gap-ms before each message
  on top of its wait for DynamoDB, so it idles twice a message: what one
  more idle wake costs a function that does run code.

    .venv/bin/python infra/bench/pace.py --rounds 3 --messages 600

Runs are taken in turns for --rounds rounds and medians reported, as in
interleaved.py. Needs DynamoDB Local at AWS_ENDPOINT_URL_DYNAMODB (as
`make bench` starts it) and the release functions and floor in
target/bench/release.
"""

import argparse
import statistics
import uuid

import cores
import lambda_bench as bench


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--gaps-ms", type=float, nargs="+", default=[0, 2, 10, 24])
    parser.add_argument("--extra-gap-ms", type=float, default=10)
    parser.add_argument("--release-dir", default=str(bench.ROOT / "target" / "bench" / "release"))
    args = parser.parse_args()

    core = cores.give_function_a_core()
    tpl = bench.template()
    api = bench.RuntimeApi()
    table = f"bench-{uuid.uuid4().hex[:8]}"
    bench.create_table(table, tpl)
    floor = [f"{args.release_dir}/lambda-floor"]
    webhook = [f"{args.release_dir}/webhook-inbound"]
    env = dict(bench.functions(tpl))["webhook-inbound"] | {"TABLE_NAME": table}
    webhook_gaps = (0.0, args.extra_gap_ms)

    cpu = {}
    for round_ in range(args.rounds):
        for gap_ms in args.gaps_ms:
            run = bench.steady_state(api, floor, {}, [{}] * args.messages, gap_ms / 1000)
            cpu.setdefault(f"floor, {gap_ms:g} ms gap", []).append(run["cpu_us_per_event"])
        for i, gap_ms in enumerate(webhook_gaps):
            events = [bench.signed_event(b) for b in bench.inbound_bodies(args.messages, round_ * 10 + i)]
            run = bench.steady_state(api, webhook, env, events, gap_ms / 1000)
            cpu.setdefault(f"webhook, {gap_ms:g} ms more", []).append(run["cpu_us_per_event"])
        print(f"round {round_ + 1} of {args.rounds} done", flush=True)

    where = "shared cores" if core is None else f"each function alone on core {core}"
    print(f"\nCPU µs a call, medians of {args.rounds} rounds of {args.messages} ({where})")
    for label, runs in cpu.items():
        print(f"  {label:<26} {statistics.median(runs):>6.0f}   {' '.join(f'{x:.0f}' for x in runs)}")
    more = statistics.median(cpu[f"webhook, {args.extra_gap_ms:g} ms more"]) - statistics.median(cpu["webhook, 0 ms more"])
    print(f"  one more idle wake a message costs the webhook {more:.0f} µs")


if __name__ == "__main__":
    main()
