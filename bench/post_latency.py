#!/usr/bin/env python3
"""Latency of POST /v1/applications: N sequential requests over one keep-alive connection,
alternating the contract's two examples with a fresh external_ref and document number each time
(so every request creates a new applicant). Prints p50/p90/p99/max in milliseconds.

usage: post_latency.py BASE_URL TOKEN EXAMPLES_DIR [N]
"""
import http.client
import json
import sys
import time
import urllib.parse
import uuid


def main():
    base, token, examples = sys.argv[1], sys.argv[2], sys.argv[3]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    bodies = [json.load(open(f"{examples}/{name}")) for name in ("clean-us-applicant.json", "suspicious-applicant.json")]
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    run = uuid.uuid4().hex[:8]
    latencies, statuses = [], {}
    for i in range(n):
        body = dict(bodies[i % 2], external_ref=f"lat-{run}-{i}")
        body["identity_document"] = dict(body["identity_document"], number=f"L{run}{i}")
        payload = json.dumps(body).encode()
        start = time.perf_counter()
        conn.request("POST", "/v1/applications", payload, headers)
        response = conn.getresponse()
        response.read()
        latencies.append((time.perf_counter() - start) * 1000)
        statuses[response.status] = statuses.get(response.status, 0) + 1
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    print(f"requests {n} statuses {statuses} p50 {pick(0.50):.2f} ms p90 {pick(0.90):.2f} ms "
          f"p99 {pick(0.99):.2f} ms max {latencies[-1]:.2f} ms")


if __name__ == "__main__":
    main()
