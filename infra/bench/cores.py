"""A core of its own for the function under test.

In Lambda a function's environment is alone on its share of a CPU, and
DynamoDB is across the network. On a two-core machine the kernel runs the
function on whichever core woke it, often the one DynamoDB Local's JVM has
just used: every wait for an answer leaves its caches cold, and that cost
lands in the function's CPU figure. (Interleaved, on 2026-12-06:
webhook-inbound 506 µs a message on shared cores, 385 with a core of its
own; the boto3 handler 2,292 and 2,142; the floor 40 and 35.)

So the bench keeps the function it measures on the last core, and itself
(with its Runtime API emulator), DynamoDB Local and moto on the others.
Every binary and the Python handler are measured the same way in one run.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

_function_core = None


def give_function_a_core():
    """Moves this process and the emulators behind the AWS endpoints off the
    last core, which the functions started after this get to themselves.
    Returns that core, or None on a machine with one core."""
    global _function_core
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None
    _function_core, others = cores[-1], set(cores[:-1])
    for pid in [os.getpid(), *_emulator_pids()]:
        for thread in _threads(pid):
            try:
                os.sched_setaffinity(thread, others)
            except (ProcessLookupError, PermissionError):
                pass
    return _function_core


def start_function(start):
    """Runs `start` (which forks the function) with the calling thread on
    the function's core, so that the child inherits that core alone."""
    if _function_core is None:
        return start()
    previous = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {_function_core})
    try:
        return start()
    finally:
        os.sched_setaffinity(0, previous)


def _threads(pid):
    try:
        return [int(task.name) for task in Path(f"/proc/{pid}/task").iterdir()]
    except FileNotFoundError:
        return []


def _emulator_pids():
    """DynamoDB Local and moto, found by the ports the AWS endpoints name, so
    that no other copy of them on this machine is touched."""
    ports = set()
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SQS"):
        if os.environ.get(name):
            port = urlsplit(os.environ[name]).port
            if port:
                ports.add(str(port))
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [a.decode(errors="replace") for a in argv]
        emulator = any("DynamoDBLocal.jar" in w or w.endswith("moto_server") for w in words)
        if emulator and any(words[i] in ("-port", "-p") and words[i + 1] in ports for i in range(len(words) - 1)):
            pids.append(int(entry.name))
    return pids
