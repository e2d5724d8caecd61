#!/usr/bin/env python3
"""Compares webhook-inbound binaries by CPU per message, in interleaved runs.

This machine's speed drifts by more than most changes are worth (the same
binary has measured 521 and 1,311 µs a message on two days), so a change to
the inbound path is judged by runs of old and new taken in turns, each
against the same DynamoDB Local, and by their medians.

    .venv/bin/python infra/bench/interleaved.py --rounds 6 \\
        old=/tmp/webhook-inbound.old new=target/bench/release/webhook-inbound

A variant may add environment after a colon: `warn=<binary>:RUST_LOG=warn`.
With `--python`, the boto3 handler of `make bench` takes its turn in every
round too, and its median CPU is given as a multiple of each variant's: the
ratio the issue's target is set in, measured under the same drift.
Each run has the last core to itself, as `make bench` gives it (cores.py).
Needs DynamoDB Local at AWS_ENDPOINT_URL_DYNAMODB (as `make bench` starts it)
and the floor (`lambda-floor`) built beside the release functions.
"""

import argparse
import statistics
import sys
import uuid
from pathlib import Path

import cores
import lambda_bench as bench


def variant(text, env):
    """`label=binary[:NAME=value,...]` as (label, binary, its environment)."""
    label, _, rest = text.partition("=")
    binary, _, extra = rest.partition(":")
    if not label or not binary:
        raise argparse.ArgumentTypeError(f"expected label=binary, got {text!r}")
    own = dict(env)
    for pair in filter(None, extra.split(",")):
        name, _, value = pair.partition("=")
        own[name] = value
    return label, [binary], own


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--floor", default=str(bench.ROOT / "target" / "bench" / "release" / "lambda-floor"))
    parser.add_argument("--python", action="store_true", help="run the boto3 handler in every round too")
    parser.add_argument("--paced", metavar="LABEL",
                        help="also run the floor paced as LABEL ran, each round (floor_paced)")
    parser.add_argument("--shared-cores", action="store_true",
                        help="let the functions share cores with the emulators (see cores.py)")
    parser.add_argument("variants", nargs="+", help="label=binary[:NAME=value,...]")
    args = parser.parse_args()

    core = None if args.shared_cores else cores.give_function_a_core()
    tpl = bench.template()
    api = bench.RuntimeApi()
    table = f"bench-{uuid.uuid4().hex[:8]}"
    bench.create_table(table, tpl)
    env = dict(bench.functions(tpl))["webhook-inbound"] | {"TABLE_NAME": table}
    variants = [variant(v, env) for v in args.variants]
    for _, command, _ in variants:
        if not Path(command[0]).exists():
            parser.error(f"{command[0]} is not built")
    if args.python:
        python = [sys.executable, str(bench.ROOT / "infra" / "bench" / "python_handler.py")]
        variants.append(("python", python, {"TABLE_NAME": table}))

    def say(label, run):
        if not label.startswith("floor"):
            print(f"{label} {run['cpu_us_per_event']:.0f} µs", flush=True)

    if args.paced and args.paced not in {label for label, _, _ in variants}:
        parser.error(f"--paced {args.paced}: no such variant")
    runs = bench.interleaved_rounds(api, [args.floor], variants, args.rounds, args.messages, say, args.paced)
    cpu = {label: [r["cpu_us_per_event"] for r in its_runs] for label, its_runs in runs.items()}
    floors = {label: cpu.pop(label) for label in ("floor", "floor_paced") if label in cpu}

    where = "shared cores" if core is None else f"each function alone on core {core}"
    print(f"\nCPU µs per message, medians of {args.rounds} interleaved rounds of {args.messages} ({where})")
    for label, floor in floors.items():
        print(f"  {label:<12} {statistics.median(floor):>7.0f}   {' '.join(f'{x:.0f}' for x in floor)}")
    for label, its_cpu in cpu.items():
        print(f"  {label:<12} {statistics.median(its_cpu):>7.0f}   {' '.join(f'{x:.0f}' for x in its_cpu)}")
    if args.python:
        python = statistics.median(cpu["python"])
        for label, its_cpu in cpu.items():
            if label != "python":
                print(f"  python uses {python / statistics.median(its_cpu):.1f}x the CPU of {label}")


if __name__ == "__main__":
    main()
