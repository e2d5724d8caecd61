#!/usr/bin/env python3
"""Runs Parley's release function binaries the way Lambda runs them, against a
Lambda Runtime API emulator, and measures them from outside:

- cold start: from exec to the function's first `GET .../invocation/next`
  (its init), median of --runs, beside a do-nothing lambda_runtime function
  built with the same profile (the floor), whose cold starts take turns
  with each function's, and a Python boto3 handler;
- peak RSS (VmHWM) after init and after the steady-state run;
- the steady state of webhook-inbound: CPU (user + system, from /proc) per
  signed inbound message over --messages API Gateway events against DynamoDB
  Local, beside the floor's CPU per call, back to back and paced as the
  webhook ran, and the Python handler's (a custom runtime loop that does a
  PutItem per message, the AWS samples' shape), taken in turns for
  --rounds rounds, medians reported;
- with two cores or more, the function measured alone on one of them, as in
  Lambda (cores.py; --shared-cores measures it beside the emulators);
- the size of each binary, gzipped, and of its arm64 bootstrap (what Lambda
  runs) when `make bench` has cross-built them.

Writes the figures as JSON (--out) for `make cost` and prints a table.
Needs DynamoDB Local at AWS_ENDPOINT_URL_DYNAMODB and boto3 (in .venv).
"""

import argparse
import gzip
import hashlib
import hmac
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cores

ROOT = Path(__file__).resolve().parents[2]
APP_SECRET = "bench-app-secret"
PHONE_NUMBER_ID = "106540352242922"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# The functions of template.yaml, with what each needs to start. Secrets come
# as plain variables (read at the first request, never at init, either way).
COMMON_ENV = {
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_LAMBDA_FUNCTION_NAME": "bench",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
    "AWS_LAMBDA_LOG_GROUP_NAME": "bench",
    "PARLEY_ROUTING": "owner_or_unassigned",
    "PARLEY_SLA_MINUTES": "30",
    "WHATSAPP_API_VERSION": "v23.0",
    "WHATSAPP_WABA_ID": "102290129340398",
    "WHATSAPP_API_BASE": "http://127.0.0.1:9",
    "WHATSAPP_APP_SECRET": APP_SECRET,
    "WHATSAPP_VERIFY_TOKEN": "bench-verify-token",
    "WHATSAPP_ACCESS_TOKEN": "bench-access-token",
    "PARLEY_CONTACT_ID_KEY": "bench-contact-id-key",
    "PARLEY_ADMIN_EMAIL": "admin@parley.local",
    "PARLEY_ADMIN_PASSWORD": "bench admin password",
    # As template.yaml deploys them: the logs a message writes are part of its cost.
    "RUST_LOG": "info",
}


def placeholder(name):
    """A value of the right shape for a variable that names a resource."""
    if name.endswith("_URL") and "QUEUE" in name or name.endswith("_DLQ_URL"):
        return f"http://127.0.0.1:9/123456789012/{name.lower()}"
    if name.endswith("_ARN"):
        kind = "role" if "ROLE" in name else "function"
        return f"arn:aws:iam::123456789012:{kind}/bench" if kind == "role" else "arn:aws:lambda:us-east-1:123456789012:function:bench"
    if name == "PUSH_ENDPOINT":
        return "https://example.execute-api.us-east-1.amazonaws.com/live"
    if name == "WON_DEALS_SHEET_URL":
        return "https://example.com/sheet"
    if name == "CAMPAIGN_SENDS_PER_SECOND":
        return "40"
    return f"bench-{name.lower().replace('_', '-')}"


def template():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def tag(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            return {"!" + suffix: loader.construct_scalar(node)}
        if isinstance(node, yaml.SequenceNode):
            return {"!" + suffix: loader.construct_sequence(node, deep=True)}
        return {"!" + suffix: loader.construct_mapping(node, deep=True)}

    Loader.add_multi_constructor("!", tag)
    return yaml.load((ROOT / "template.yaml").read_text(), Loader=Loader)


def functions(tpl):
    """(binary, environment) of every function the template deploys."""
    found = []
    for resource in tpl["Resources"].values():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        binary = resource["Metadata"]["BuildProperties"]["Binary"]
        names = list(tpl.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {}))
        names += list(resource["Properties"].get("Environment", {}).get("Variables", {}))
        env = {n: placeholder(n) for n in names
               if not n.endswith("SECRET_ID") and n != "PARLEY_SECRETS_ID" and n not in COMMON_ENV}
        found.append((binary, env))
    return found


class RuntimeApi:
    """Lambda's Runtime API for one function process at a time."""

    def __init__(self):
        self.events = queue.Queue()
        self.first_next = None
        self.done = queue.Queue()
        self.errors = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                # Headers and body leave in separate writes: without this,
                # Nagle's algorithm and the client's delayed ACK add 40 ms.
                super().setup()
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self):
                if not self.path.endswith("/invocation/next"):
                    self.send_error(404)
                    return
                if api.first_next is None:
                    api.first_next = time.perf_counter()
                event = api.events.get()
                if event is None:
                    # Nothing more to run: hold the poll, as Lambda freezes it.
                    time.sleep(3600)
                    return
                body = json.dumps(event).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Lambda-Runtime-Aws-Request-Id", str(uuid.uuid4()))
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30_000))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:bench")
                self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                payload = self.rfile.read(length)
                if "/error" in self.path:
                    api.errors.append(payload.decode(errors="replace")[:500])
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if "/invocation/" in self.path:
                    api.done.put(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.address = f"127.0.0.1:{self.server.server_address[1]}"

    def reset(self):
        self.events = queue.Queue()
        self.done = queue.Queue()
        self.first_next = None
        self.errors = []


def cpu_seconds(pid):
    """CPU time of the process so far, user and system.

    From the scheduler's own count in nanoseconds (`schedstat`'s first field,
    summed over the threads): `stat`'s user and system times come in clock
    ticks of 10 ms, which over a run of 1,000 messages is 10 µs a message,
    as coarse as the differences being measured. Falls back to the ticks
    where the kernel keeps no schedstat."""
    try:
        threads = Path(f"/proc/{pid}/task").iterdir()
        return sum(int((thread / "schedstat").read_text().split()[0]) for thread in threads) / 1e9
    except (OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def peak_rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Running:
    """One function process under the emulator."""

    def __init__(self, api, command, env):
        api.reset()
        self.api = api
        full = {"PATH": os.environ["PATH"], **COMMON_ENV, **env, "AWS_LAMBDA_RUNTIME_API": api.address}
        for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SECRETS_MANAGER"):
            if name in os.environ:
                full[name] = os.environ[name]
        self.started = time.perf_counter()
        self.process = cores.start_function(
            lambda: subprocess.Popen(command, env=full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))

    def init_ms(self, timeout=20):
        deadline = time.perf_counter() + timeout
        while self.api.first_next is None:
            if self.process.poll() is not None:
                raise RuntimeError(f"exited {self.process.returncode}: {self.process.stderr.read().decode()[-800:]}")
            if time.perf_counter() > deadline:
                raise RuntimeError("no first poll")
            time.sleep(0.0002)
        return (self.api.first_next - self.started) * 1000

    def invoke_all(self, events):
        """Runs `events`; an HTTP API event must be answered 200, or the
        figures would time a refusal rather than a stored message."""
        http_api = bool(events) and "routeKey" in events[0]
        for event in events:
            self.api.events.put(event)
        for _ in events:
            answer = self.api.done.get(timeout=60)
            if http_api:
                status = json.loads(answer or b"{}").get("statusCode")
                if status != 200:
                    raise RuntimeError(f"an event was answered {status}: {answer[:300]!r}")

    def stop(self):
        self.process.kill()
        self.process.wait()


def cold_start(api, command, env, runs):
    times, rss = [], []
    for _ in range(runs):
        running = Running(api, command, env)
        try:
            times.append(running.init_ms())
            rss.append(peak_rss_mib(running.process.pid))
        finally:
            running.stop()
    return statistics.median(times), max(rss)


def cold_start_beside_floor(api, command, env, runs, floor):
    """A function's cold starts taken in turns with the floor's, so that the
    ratio is of two medians taken under the same drift of this machine's
    speed (within one run, the floor's own init once ranged from 2.5 to
    3.5 ms): (init ms, its floor's init ms, peak RSS MiB)."""
    times, floor_times, rss = [], [], []
    for _ in range(runs):
        floor_times.append(cold_start(api, floor, {}, 1)[0])
        init, peak = cold_start(api, command, env, 1)
        times.append(init)
        rss.append(peak)
    return statistics.median(times), statistics.median(floor_times), max(rss)


def signed_event(body):
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
    now = int(time.time())
    return {
        "version": "2.0",
        "routeKey": "POST /webhook",
        "rawPath": "/webhook",
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "x-hub-signature-256": signature, "user-agent": "facebookexternalua"},
        "requestContext": {
            "accountId": "123456789012", "apiId": "bench", "domainName": "bench.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "bench", "requestId": str(uuid.uuid4()), "routeKey": "POST /webhook", "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)), "timeEpoch": now * 1000,
            "http": {"method": "POST", "path": "/webhook", "protocol": "HTTP/1.1", "sourceIp": "173.252.95.1", "userAgent": "facebookexternalua"},
        },
        "body": body,
        "isBase64Encoded": False,
    }


def inbound_bodies(count, run):
    """Signed `messages` webhooks, one customer message each, from 100 customers."""
    bodies = []
    base = int(time.time()) - count
    for i in range(count):
        customer = f"9198{run:02d}{i % 100:06d}"
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111", "phone_number_id": PHONE_NUMBER_ID},
            "contacts": [{"profile": {"name": f"Customer {i % 100}"}, "wa_id": customer}],
            "messages": [{"from": customer, "id": f"wamid.bench{run}x{i}", "timestamp": str(base + i), "type": "text",
                          "text": {"body": f"Is item {i} in stock?"}}],
        }
        bodies.append(json.dumps({"object": "whatsapp_business_account",
                                  "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}]}))
    return bodies


def create_table(name, tpl):
    import boto3

    props = tpl["Resources"]["Table"]["Properties"]
    client = boto3.client("dynamodb", endpoint_url=os.environ["AWS_ENDPOINT_URL_DYNAMODB"], region_name="us-east-1",
                          aws_access_key_id="local", aws_secret_access_key="local")
    args = {k: props[k] for k in ("AttributeDefinitions", "KeySchema", "BillingMode", "GlobalSecondaryIndexes") if k in props}
    if "StreamSpecification" in props:
        args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    client.create_table(TableName=name, **args)
    return client


def steady_state(api, command, env, events, gap_s=0.0):
    """CPU seconds per event after the first (which builds the clients), and
    peak RSS. With `gap_s`, each event is given `gap_s` after the last was
    answered, so the function waits idle before each, as a function that
    waits on DynamoDB does within each."""
    running = Running(api, command, env)
    try:
        running.init_ms()
        running.invoke_all(events[:1])
        cpu_before, wall_before = cpu_seconds(running.process.pid), time.perf_counter()
        if gap_s > 0:
            for event in events[1:]:
                time.sleep(gap_s)
                running.invoke_all([event])
        else:
            running.invoke_all(events[1:])
        cpu, wall = cpu_seconds(running.process.pid) - cpu_before, time.perf_counter() - wall_before
        if api.errors:
            raise RuntimeError(f"invocation errors: {api.errors[:2]}")
        return {"cpu_us_per_event": cpu / (len(events) - 1) * 1e6, "wall_us_per_event": wall / (len(events) - 1) * 1e6,
                "peak_rss_mib": peak_rss_mib(running.process.pid)}
    finally:
        running.stop()


def interleaved_rounds(api, floor, variants, rounds, messages, on_run=lambda label, run: None, paced_as=None):
    """Steady-state runs of the floor and of each `(label, command, env)`
    variant, taken in turns `rounds` times: this machine's speed drifts, and
    DynamoDB Local's JVM speeds up as it warms (a function that waits longer
    for each answer finds its caches colder), so each variant meets every
    stage of both. Each run has customers and wamids of its own. Returns
    the runs by label, the floor's first.

    With `paced_as` (a variant's label), each round also runs the floor
    paced as that variant ran (`floor_paced`): an idle gap before each call
    that makes the floor's wall time a call the variant's. A do-nothing
    function invoked every 10 ms costs more CPU a call than one invoked back
    to back (on this machine 195 µs against 73): its core has gone idle and
    its caches cold by each call, as the webhook's have by each DynamoDB
    answer."""
    if rounds > 9 or len(variants) > 10:
        raise ValueError("at most 9 rounds of 10 variants: each run's customers are numbered from its round and place")
    runs = {"floor": []} | ({"floor_paced": []} if paced_as else {}) | {label: [] for label, _, _ in variants}
    for round_ in range(rounds):
        runs["floor"].append(steady_state(api, floor, {}, [{}] * messages))
        on_run("floor", runs["floor"][-1])
        for i, (label, command, env) in enumerate(variants):
            events = [signed_event(b) for b in inbound_bodies(messages, round_ * 10 + i)]
            runs[label].append(steady_state(api, command, env, events))
            on_run(label, runs[label][-1])
            if label == paced_as:
                gap_s = (runs[label][-1]["wall_us_per_event"] - runs["floor"][-1]["wall_us_per_event"]) / 1e6
                runs["floor_paced"].append(steady_state(api, floor, {}, [{}] * messages, gap_s))
                on_run("floor_paced", runs["floor_paced"][-1])
    return runs


def medians(runs):
    """One figure for a variant's runs: median CPU and wall time, the
    highest peak RSS, and each run's CPU."""
    return {"cpu_us_per_event": statistics.median(r["cpu_us_per_event"] for r in runs),
            "wall_us_per_event": statistics.median(r["wall_us_per_event"] for r in runs),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
            "cpu_us_runs": [round(r["cpu_us_per_event"]) for r in runs]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--release-dir", default=str(ROOT / "target" / "bench" / "release"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--messages", type=int, default=1000)
    # Seven, not three: a run's CPU a message varies by a fifth from one run
    # to the next on this machine, and the median of three moved with it.
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds of the steady state (medians)")
    parser.add_argument("--out", default=str(ROOT / "target" / "bench" / "lambda.json"))
    parser.add_argument("--arm64-dir", default=str(ROOT / "target" / "bench" / "lambda"),
                        help="cargo lambda's arm64 bootstraps (<dir>/<function>/bootstrap), sized when present")
    parser.add_argument("--shared-cores", action="store_true",
                        help="let the functions share cores with the emulators (see cores.py)")
    args = parser.parse_args()
    core = None if args.shared_cores else cores.give_function_a_core()
    release = Path(args.release_dir)
    tpl = template()
    api = RuntimeApi()
    python = [sys.executable, str(ROOT / "infra" / "bench" / "python_handler.py")]
    results = {"machine": os.uname().machine, "runs": args.runs, "messages": args.messages, "rounds": args.rounds,
               "function_core": core, "functions": {}}

    floor = [str(release / "lambda-floor")]
    floor_ms, floor_rss = cold_start(api, floor, {}, args.runs)
    results["floor"] = {"init_ms": floor_ms, "peak_rss_mib": floor_rss, "gzip_bytes": gzipped(release / "lambda-floor")}
    deployed = functions(tpl)
    for binary, env in deployed:
        path = release / binary
        if not path.exists():
            print(f"skipped {binary}: {path} not built", file=sys.stderr)
            continue
        init, beside, rss = cold_start_beside_floor(api, [str(path)], env, args.runs, floor)
        results["functions"][binary] = {"init_ms": init, "floor_init_ms": beside, "init_x_floor": init / beside,
                                        "peak_rss_mib": rss, "gzip_bytes": gzipped(path)}
        # What Lambda runs: the arm64 bootstrap, which the size target is for.
        arm64 = Path(args.arm64_dir) / binary / "bootstrap"
        if arm64.exists():
            results["functions"][binary]["gzip_bytes_arm64"] = gzipped(arm64)
    table = f"bench-{uuid.uuid4().hex[:8]}"
    create_table(table, tpl)
    python_ms, python_rss = cold_start(api, python, {"TABLE_NAME": table}, args.runs)
    results["python"] = {"init_ms": python_ms, "peak_rss_mib": python_rss}

    inbound_env = dict(deployed)["webhook-inbound"] | {"TABLE_NAME": table}
    variants = [("inbound", [str(release / "webhook-inbound")], inbound_env), ("python", python, {"TABLE_NAME": table})]
    runs = interleaved_rounds(api, [str(release / "lambda-floor")], variants, args.rounds, args.messages,
                              paced_as="inbound")
    for name, its_runs in runs.items():
        results.setdefault(name, {}).update(medians(its_runs))
    results["inbound"]["above_floor_us"] = results["inbound"]["cpu_us_per_event"] - results["floor"]["cpu_us_per_event"]
    results["inbound"]["above_paced_floor_us"] = (results["inbound"]["cpu_us_per_event"]
                                                  - results["floor_paced"]["cpu_us_per_event"])
    results["python_over_parley_cpu"] = results["python"]["cpu_us_per_event"] / results["inbound"]["cpu_us_per_event"]

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2))
    report(results)


def gzipped(path):
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def report(r):
    print(f"\nCold start ({r['machine']}, median of {r['runs']}, each function's in turns with the floor's), "
          "peak RSS, gzipped size")
    print(f"  {'function':<18} {'init ms':>8} {'floor ms':>9} {'x floor':>8} {'RSS MiB':>8} {'gzip MB':>8} {'arm64 MB':>9}")
    floor = r["floor"]
    print(f"  {'floor':<18} {floor['init_ms']:>8.1f} {floor['init_ms']:>9.1f} {1:>8.1f} {floor['peak_rss_mib']:>8.1f} "
          f"{floor['gzip_bytes'] / 1e6:>8.2f}")
    for name, f in r["functions"].items():
        arm64 = f"{f['gzip_bytes_arm64'] / 1e6:>9.2f}" if "gzip_bytes_arm64" in f else f"{'–':>9}"
        print(f"  {name:<18} {f['init_ms']:>8.1f} {f['floor_init_ms']:>9.1f} {f['init_x_floor']:>8.1f} "
              f"{f['peak_rss_mib']:>8.1f} {f['gzip_bytes'] / 1e6:>8.2f} {arm64}")
    print(f"  {'python boto3':<18} {r['python']['init_ms']:>8.1f} {floor['init_ms']:>9.1f} "
          f"{r['python']['init_ms'] / floor['init_ms']:>8.1f} {r['python']['peak_rss_mib']:>8.1f}")
    where = "shared cores" if r.get("function_core") is None else f"the function alone on core {r['function_core']}"
    print(f"\nSteady state, {r['messages']} signed inbound messages against DynamoDB Local, medians of "
          f"{r['rounds']} interleaved rounds ({where})")
    print(f"  {'':<18} {'CPU µs/msg':>11} {'wall µs/msg':>12} {'RSS MiB':>8}  each round's CPU")
    rows = (("floor (per call)", "floor"), ("floor, paced", "floor_paced"), ("webhook-inbound", "inbound"),
            ("python boto3", "python"))
    for name, key in rows:
        s = r[key]
        print(f"  {name:<18} {s['cpu_us_per_event']:>11.0f} {s['wall_us_per_event']:>12.0f} {s['peak_rss_mib']:>8.1f}  "
              f"{' '.join(str(x) for x in s['cpu_us_runs'])}")
    print(f"  webhook-inbound above the floor: {r['inbound']['above_floor_us']:.0f} µs; "
          f"Python uses {r['python_over_parley_cpu']:.1f}x Parley's CPU")
    print(f"  above the floor paced as the webhook ran (a call per {r['inbound']['wall_us_per_event'] / 1000:.1f} ms): "
          f"{r['inbound']['above_paced_floor_us']:.0f} µs")


if __name__ == "__main__":
    main()
