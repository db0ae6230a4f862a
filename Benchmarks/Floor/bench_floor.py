#!/usr/bin/env python3
"""teamchat against the physical floor (DESIGN §5), every figure a ratio measured in the same run.

Builds the two C yardsticks (cfleet: instant specialists in one epoll loop; cfloor: a minimal epoll client) and
nio-floor (cfloor's client written with SwiftNIO, ../NIOFloor: what SwiftNIO itself costs, before any of teamchat's
code), starts cfleet with 18 and with 1,000 specialists, and alternates floor and teamchat pair by pair:

  warm round to 18     cfloor p50   vs  teamchat bench --roster (pooled) p50, and nio-floor p50
  warm round to 1,000  cfloor p50   vs  teamchat bench p50, and nio-floor p50; cold round reported
  start-up             /bin/true    vs  teamchat --version, teamchat --help
  one-shot send        /bin/true    vs  teamchat send --direct to 18 (and its peak RSS)

Usage: bench_floor.py [--teamchat PATH] [--pairs N] [--port-18 P] [--port-1k P]
Ports must lie below Linux's ephemeral range (61000 and 62000 by default).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def build_yardsticks(directory):
    for name in ("cfleet", "cfloor"):
        subprocess.run(["cc", "-O2", "-o", os.path.join(directory, name), os.path.join(HERE, name + ".c")], check=True)


def start_fleet(directory, base, count):
    ready = os.path.join(directory, f"ready-{count}")
    process = subprocess.Popen([os.path.join(directory, "cfleet"), str(base), str(count), "1800", ready],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not os.path.exists(ready):
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"bench-floor: cfleet {count} on {base} did not start")
        time.sleep(0.02)
    roster = os.path.join(directory, f"roster-{count}.json")
    with open(roster, "w") as file:
        json.dump([{"id": f"s{i}", "host": "127.0.0.1", "port": base + i} for i in range(count)], file)
    return process, roster


def build_nio_floor():
    """Builds nio-floor (a package of its own, SwiftNIO only) and returns its path."""
    package = os.path.join(HERE, "..", "NIOFloor")
    subprocess.run(["swift", "build", "-c", "release", "--package-path", package, "--product", "nio-floor"],
                   check=True, stdout=subprocess.DEVNULL)
    return os.path.join(package, ".build", "release", "nio-floor")


def floor_p50(client, base, count, rounds):
    out = subprocess.run([client, str(base), str(count), str(rounds)], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)["p50_us"]


def teamchat_bench(teamchat, roster, rounds, warmup, mode="pooled"):
    out = subprocess.run([teamchat, "bench", "--roster", roster, "--rounds", str(rounds), "--warmup", str(warmup),
                          "--mode", mode, "--json", "--no-cache"], capture_output=True, text=True, check=True).stdout
    report = json.loads(out)
    return {m["mode"]: m["round_latency_ms"]["p50"] * 1000 for m in report["modes"]}


def wall(command, runs, environment=None):
    """Median wall time of `command` as a whole process, in milliseconds, and the largest peak RSS in MiB."""
    times, peak = [], 0.0
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
        _, status, usage = os.wait4(child.pid, 0)
        times.append((time.perf_counter() - start) * 1000)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            sys.exit(f"bench-floor: {' '.join(command)} exited {child.returncode}")
        peak = max(peak, usage.ru_maxrss / 1024)
    return statistics.median(times), peak


def paired(label, pairs, a, b, unit, nio=None):
    """Runs a() and b() (and nio(), when given) in turn; prints medians and the median of the pair-by-pair ratios."""
    ratios, xs, ys, ns, nio_ratios = [], [], [], [], []
    for _ in range(pairs):
        x, y = a(), b()
        xs.append(x)
        ys.append(y)
        ratios.append(y / x)
        if nio is not None:
            n = nio()
            ns.append(n)
            nio_ratios.append(n / x)
    line = (f"{label:<34} floor {statistics.median(xs):9.1f} {unit}   teamchat {statistics.median(ys):9.1f} {unit}"
            f"   ratio {statistics.median(ratios):5.2f}x  (pairs {min(ratios):.2f}-{max(ratios):.2f})")
    if ns:
        line += f"   nio-floor {statistics.median(ns):.1f} {unit} ({statistics.median(nio_ratios):.2f}x)"
    print(line, flush=True)
    return statistics.median(ratios)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teamchat", default=os.path.join(HERE, "..", "..", ".build", "release", "teamchat"))
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--port-18", type=int, default=61000)
    parser.add_argument("--port-1k", type=int, default=62000)
    arguments = parser.parse_args()
    teamchat = os.path.abspath(arguments.teamchat)
    if not os.access(teamchat, os.X_OK):
        sys.exit(f"bench-floor: no teamchat at {teamchat} (make release builds it)")
    true = shutil.which("true") or "/bin/true"
    directory = tempfile.mkdtemp(prefix="teamchat-floor-")
    build_yardsticks(directory)
    cfloor = os.path.join(directory, "cfloor")
    nio_floor = build_nio_floor()
    fleets = []
    try:
        fleet18, roster18 = start_fleet(directory, arguments.port_18, 18)
        fleets.append(fleet18)
        fleet1k, roster1k = start_fleet(directory, arguments.port_1k, 1000)
        fleets.append(fleet1k)
        size = os.path.getsize(teamchat) / (1 << 20)
        print(f"teamchat {subprocess.run([teamchat, '--version'], capture_output=True, text=True).stdout.strip()}"
              f" ({size:.0f} MiB), {os.cpu_count()} cores, pairs {arguments.pairs}", flush=True)

        paired("warm round, 18 (p50)", arguments.pairs,
               lambda: floor_p50(cfloor, arguments.port_18, 18, 3000),
               lambda: teamchat_bench(teamchat, roster18, 3000, 200)["pooled"], "us",
               nio=lambda: floor_p50(nio_floor, arguments.port_18, 18, 3000))
        paired("warm round, 1,000 (p50)", max(2, arguments.pairs // 2),
               lambda: floor_p50(cfloor, arguments.port_1k, 1000, 300),
               lambda: teamchat_bench(teamchat, roster1k, 300, 20)["pooled"], "us",
               nio=lambda: floor_p50(nio_floor, arguments.port_1k, 1000, 300))
        cold = teamchat_bench(teamchat, roster1k, 20, 2, mode="cold").get("cold")
        if cold is not None:
            print(f"{'cold round, 1,000 (p50)':<34} teamchat {cold / 1000:9.1f} ms (new connections every round)")

        runs = 21
        paired("--version (median of 21)", arguments.pairs,
               lambda: wall([true], runs)[0], lambda: wall([teamchat, "--version"], runs)[0], "ms")
        paired("--help (median of 21)", arguments.pairs,
               lambda: wall([true], runs)[0], lambda: wall([teamchat, "--help"], runs)[0], "ms")
        environment = dict(os.environ, TEAMCHAT_CACHE=os.path.join(directory, "cache.json"),
                           XDG_RUNTIME_DIR=directory)
        paired("one-shot send to 18 (median of 21)", arguments.pairs,
               lambda: wall([true], runs)[0],
               lambda: wall([teamchat, "send", "--direct", "--roster", roster18, "hi"], runs, environment)[0], "ms")
        _, peak = wall([teamchat, "send", "--direct", "--roster", roster1k, "hi"], 3, environment)
        print(f"{'send to 1,000, peak RSS':<34} {peak:9.1f} MiB")
    finally:
        for fleet in fleets:
            fleet.kill()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
