#!/usr/bin/env python3
"""Drives Python's imaplib against a server for the vitest IMAP tests.

Reads one JSON object on stdin: {"host", "port", "steps": [[method, *args], ...]}
and runs each step as getattr(IMAP4(host, port), method)(*args) in order. An
argument {"b64": "..."} is passed as those bytes. Prints one JSON list with
[typ, data] per step; bytes come back as {"b64": "..."} so 8-bit data is kept
exactly. A step that raises gives ["error", "<message>"] and the rest still run
(unless it was "login"). Capabilities come first, as the server sent them.
"""
import base64
import imaplib
import json
import sys


def decode(value):
    if isinstance(value, dict) and "b64" in value:
        return base64.b64decode(value["b64"])
    return value


def encode(value):
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def main():
    job = json.load(sys.stdin)
    conn = imaplib.IMAP4(job["host"], job["port"])
    results = [["capabilities", list(conn.capabilities)]]
    for step in job["steps"]:
        method, args = step[0], [decode(a) for a in step[1:]]
        try:
            typ, data = getattr(conn, method)(*args)
            results.append([typ, encode(data)])
        except Exception as err:  # the test asserts on it
            results.append(["error", str(err)])
            if method == "login":
                break
    try:
        conn.logout()
    except Exception:
        pass
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
