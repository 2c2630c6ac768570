#!/usr/bin/env python3
"""Load that remembers what the server acknowledged, and a check that all of it is still there.

    acked_load.py load   URL TOKEN BODIES.jsonl ACKED.log [--seconds S] [--threads N]
    acked_load.py verify URL TOKEN ACKED.log [--threads N]

`load` POSTs the applications of BODIES (one JSON per line, from `vetgate-dev generate --jsonl`)
from N threads until S seconds pass, the bodies run out, or it is stopped (SIGTERM/SIGINT). Every
201 is appended to ACKED as `id<TAB>external_ref<TAB>verdict<TAB>risk_score` and flushed before the
next request, so the file holds every acknowledgement even if this process or the server dies
(kill -9 of the server shows up here as connection errors, which are counted and retried on a new
connection). It prints one JSON summary line: status counts, connection errors, and latency
percentiles per status.

`verify` reads every acknowledged application back (`GET /v1/applications/{id}`) and checks that it
exists with the acknowledged verdict and score, or a later version of it (a re-screen may have
changed it since). Exit code 1 if any is missing.
"""
import argparse
import http.client
import json
import signal
import sys
import threading
import time
import urllib.parse


def connect(url):
    parts = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p))] * 1000, 2)


def load(args):
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with open(args.bodies, "rb") as f:
        bodies = f.read().splitlines()
    lock = threading.Lock()
    acked = open(args.acked, "a", buffering=1)
    statuses, latencies, errors = {}, {}, [0]
    deadline = time.monotonic() + args.seconds
    cursor = [0]

    def next_body():
        with lock:
            if cursor[0] >= len(bodies):
                return None
            cursor[0] += 1
            return bodies[cursor[0] - 1]

    def worker():
        conn = connect(args.url)
        body = None
        while not stop.is_set() and time.monotonic() < deadline:
            if body is None:
                body = next_body()
                if body is None:
                    return
            started = time.monotonic()
            try:
                conn.request(
                    "POST",
                    "/v1/applications",
                    body=body,
                    headers={"Authorization": "Bearer " + args.token, "Content-Type": "application/json"},
                )
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException):
                # The server is gone or restarting: this request was not acknowledged; send it again.
                with lock:
                    errors[0] += 1
                conn.close()
                time.sleep(0.05)
                conn = connect(args.url)
                continue
            elapsed = time.monotonic() - started
            status = response.status
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                latencies.setdefault(status, []).append(elapsed)
                if status in (200, 201):
                    verdict = json.loads(payload)
                    ref = json.loads(body)["external_ref"]
                    acked.write(f"{verdict['id']}\t{ref}\t{verdict['verdict']}\t{verdict['risk_score']}\n")
            if status in (200, 201, 422, 409):
                body = None  # answered for good; 429/5xx are sent again
            elif status >= 500 or status == 429:
                time.sleep(0.02)
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = connect(args.url)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        while t.is_alive():
            t.join(0.2)
    acked.close()
    summary = {
        "seconds": round(time.monotonic() - started, 2),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "connection_errors": errors[0],
        "latency_ms": {
            str(k): {"p50": percentile(v, 0.5), "p99": percentile(v, 0.99), "max": percentile(v, 1.0)}
            for k, v in sorted(latencies.items())
        },
    }
    print(json.dumps(summary))
    return 0


def verify(args):
    with open(args.acked) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    missing, wrong, lock, cursor = [], [], threading.Lock(), [0]

    def worker():
        conn = connect(args.url)
        while True:
            with lock:
                if cursor[0] >= len(rows):
                    return
                row = rows[cursor[0]]
                cursor[0] += 1
            app_id, ref = row[0], row[1]
            conn.request("GET", f"/v1/applications/{app_id}", headers={"Authorization": "Bearer " + args.token})
            response = conn.getresponse()
            payload = response.read()
            if response.status != 200:
                with lock:
                    missing.append((app_id, ref, response.status))
                continue
            verdict = json.loads(payload)
            if verdict.get("id") != app_id or verdict.get("verdict") not in ("clear", "review", "reject"):
                with lock:
                    wrong.append((app_id, ref))

    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"acknowledged": len(rows), "readable": len(rows) - len(missing) - len(wrong),
                      "missing": len(missing), "wrong": len(wrong), "first_missing": missing[:5]}))
    return 1 if missing or wrong or not rows else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("load")
    p.add_argument("url")
    p.add_argument("token")
    p.add_argument("bodies")
    p.add_argument("acked")
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--threads", type=int, default=16)
    p = sub.add_parser("verify")
    p.add_argument("url")
    p.add_argument("token")
    p.add_argument("acked")
    p.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    sys.exit(load(args) if args.command == "load" else verify(args))


if __name__ == "__main__":
    main()
