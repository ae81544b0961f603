"""A small OpenID Connect provider (django-oidc-provider) that the state sign-in tests start on
loopback in a process of its own, so that the site talks to a real provider over HTTP:
discovery, authorize (with its own sign-in form), token, JWKS and RS256 ID tokens."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20


@contextlib.contextmanager
def running_provider(work: Path, *, client_id: str, client_secret: str,
                     redirect_uris: list[str], users: dict[str, str]) -> Iterator[dict]:
    """The provider, running until the block ends: {"base", "discovery", "subjects"} where
    subjects maps each of its users' logins to their `sub`."""
    config = {"client_id": client_id, "client_secret": client_secret,
              "redirect_uris": redirect_uris, "users": users}
    errors_path = work / "provider-stderr.log"
    with errors_path.open("w") as errors:
        process = subprocess.Popen(  # noqa: S603 - our own script, with our own arguments
            [sys.executable, "-m", "tests.oidc_provider.serve", json.dumps(config)],
            cwd=ROOT, env={**os.environ, "OIDC_PROVIDER_DB": str(work / "provider.sqlite3")},
            stdout=subprocess.PIPE, stderr=errors, text=True, start_new_session=True)
        try:
            ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
            line = process.stdout.readline() if ready else ""
            if not line:
                errors.flush()
                raise RuntimeError(f"the test provider did not start:\n{errors_path.read_text()}")
            started = json.loads(line)
            base = f"http://127.0.0.1:{started['port']}"
            discovery = f"{base}/openid/.well-known/openid-configuration"
            _wait_until_it_answers(discovery)
            yield {"base": base, "discovery": discovery, "subjects": started["subjects"]}
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            process.stdout.close()


def _wait_until_it_answers(url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the test provider does not answer at {url}")
        time.sleep(0.05)
