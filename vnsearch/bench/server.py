"""``vnsearch serve --production`` in a child process, for measuring the API as sites see it."""

from __future__ import annotations

import os
import subprocess
import sys


def start_server(data_dir: str) -> tuple[subprocess.Popen, str]:
    """The server on a free port of 127.0.0.1, without a rate limit, and its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "vnsearch.cli", "serve", "--production", "--port", "0",
         "--rate-limit", "off", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    line = process.stdout.readline()
    if " on " not in line:
        process.kill()
        process.wait()
        raise RuntimeError(f"vnsearch serve did not start: {line.strip() or 'no output'}")
    return process, line.split(" on ", 1)[1].strip()
