"""Server mode is hardened: `check --deploy` is clean, and its pages carry the headers and cookies.

Settings are read once per process, so server mode runs in a child process with the variables a
deployment sets. Django's checks do not connect to the database, and the pages asked for here
never reach it, so DATABASE_URL names a loopback port where nothing listens.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings

HOST = "coffeechat.example.edu"
NOWHERE = "postgres://coffeechat@127.0.0.1:1/coffeechat"
CSP = "Content-Security-Policy"
HSTS = "Strict-Transport-Security"
A_YEAR = 365 * 24 * 60 * 60

# Asks for a few pages through Django's test client and prints what came back, as JSON.
PROBE = """
import json

import django

django.setup()

from django.conf import settings
from django.test import Client

host = settings.ALLOWED_HOSTS[0]
asked = {
    "sign_in": ("/signin/", {"secure": True}),
    "home": ("/", {"secure": True}),
    "missing": ("/no-such-page/", {"secure": True}),
    "plain": ("/signin/", {}),
    "claims_https": ("/signin/", {"HTTP_X_FORWARDED_PROTO": "https"}),
    "healthz": ("/healthz", {}),
    "readyz": ("/readyz", {}),
    "other_host": ("/signin/", {"secure": True, "HTTP_HOST": "evil.example"}),
}
answers = {}
for name, (path, extra) in asked.items():
    extra = {"HTTP_HOST": host, **extra}
    response = Client().get(path, **extra)
    answers[name] = {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {
            key: {part: morsel[part] for part in ("secure", "httponly", "path", "domain")}
            for key, morsel in response.cookies.items()
        },
    }
answers["session"] = {
    name: getattr(settings, name)
    for name in (
        "SESSION_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_PATH",
        "SESSION_COOKIE_DOMAIN",
    )
}
print(json.dumps(answers))
"""


def server_environment(**extra: str) -> dict[str, str]:
    """This process's environment less any coffeechat setting, plus a server-mode deployment."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("COFFEECHAT_") and name not in ("DATABASE_URL",)
    }
    environ.update(
        DJANGO_SETTINGS_MODULE="coffeechat.settings",
        COFFEECHAT_MODE="server",
        DATABASE_URL=NOWHERE,
        COFFEECHAT_SECRET_KEY=secrets.token_urlsafe(50),
        COFFEECHAT_ALLOWED_HOSTS=HOST,
        **extra,
    )
    return environ


def check_deploy(**extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=server_environment(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def probe(**extra: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=server_environment(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def server() -> dict[str, Any]:
    return probe()


@pytest.fixture(scope="module")
def behind_a_proxy() -> dict[str, Any]:
    return probe(COFFEECHAT_TRUSTED_PROXY="127.0.0.1", COFFEECHAT_HSTS_INCLUDE_SUBDOMAINS="true")


# check --deploy


def test_check_deploy_finds_nothing_in_server_mode():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    # Only the two HSTS choices made on purpose (settings.py says why) are silenced.
    assert "System check identified no issues (2 silenced)." in result.stdout


def test_check_deploy_finds_nothing_with_hsts_for_subdomains_and_a_proxy():
    result = check_deploy(
        COFFEECHAT_HSTS_INCLUDE_SUBDOMAINS="true", COFFEECHAT_TRUSTED_PROXY="127.0.0.1"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


# Headers and cookies


@pytest.mark.parametrize("page", ["sign_in", "home", "missing", "healthz", "readyz"])
def test_every_kind_of_page_carries_the_content_security_policy_in_server_mode(server, page):
    policy = server[page]["headers"].get(CSP, "")
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


def test_the_server_mode_policy_is_the_local_mode_policy(server, alice_client):
    local = alice_client.get("/signin/").headers[CSP]
    assert sorted(server["sign_in"]["headers"][CSP].split("; ")) == sorted(local.split("; "))


def test_https_pages_tell_browsers_to_use_https_for_a_year(server, behind_a_proxy):
    assert server["sign_in"]["headers"][HSTS] == f"max-age={A_YEAR}"
    # Subdomains only on the operator's word; never preloaded.
    assert behind_a_proxy["sign_in"]["headers"][HSTS] == f"max-age={A_YEAR}; includeSubDomains"
    assert server["sign_in"]["headers"]["Referrer-Policy"] == "same-origin"
    assert server["sign_in"]["headers"]["X-Content-Type-Options"] == "nosniff"


def test_the_csrf_cookie_is_a_host_cookie_no_script_can_read(server):
    assert server["sign_in"]["cookies"] == {
        "__Host-csrftoken": {"secure": True, "httponly": True, "path": "/", "domain": ""}
    }


def test_the_session_cookie_is_a_host_cookie_no_script_can_read(server):
    assert server["session"] == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
    }


def test_plain_http_is_sent_to_https_except_the_health_probes(server):
    assert server["plain"]["status"] == 301
    assert server["plain"]["headers"]["Location"] == f"https://{HOST}/signin/"
    assert server["healthz"]["status"] == 200
    assert server["readyz"]["status"] == 503  # answered, not redirected: no database here


def test_a_claim_of_https_counts_only_from_the_configured_proxy(server, behind_a_proxy):
    assert server["claims_https"]["status"] == 301
    assert behind_a_proxy["claims_https"]["status"] == 200


def test_a_host_that_is_not_allowed_is_refused(server):
    assert server["other_host"]["status"] == 400


# Local mode (this test run's settings) stays plain http on this computer.


def test_local_mode_keeps_plain_http_without_hsts_or_secure_cookies(alice_client):
    response = alice_client.get("/preferences/", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    assert HSTS not in response.headers
    assert CSP in response.headers
    assert not response.cookies["csrftoken"]["secure"]
    assert (settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE) == ("sessionid", False)
    assert settings.SECURE_SSL_REDIRECT is False
