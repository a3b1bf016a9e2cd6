"""coffeechat.gunicorn_conf: what gunicorn reads from it, and the access lines it writes."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from coffeechat import gunicorn_conf

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# Every setting the module means to give; gunicorn reads any lowercase name it knows.
MEANT = {
    "wsgi_app",
    "bind",
    "workers",
    "worker_class",
    "threads",
    "proc_name",
    "forwarded_allow_ips",
    "accesslog",
    "errorlog",
    "loglevel",
    "control_socket_disable",
    "timeout",
    "graceful_timeout",
    "logger_class",
    "pre_request",
    "post_request",
}


def test_gunicorn_reads_exactly_the_settings_the_module_means_to_give():
    known = Config().settings
    assert {name for name in vars(gunicorn_conf) if name in known} == MEANT


def test_gunicorn_accepts_every_value():
    config = Config()
    for name in MEANT:
        config.set(name, getattr(gunicorn_conf, name))
    assert config.wsgi_app == "coffeechat.wsgi:application"
    assert config.worker_class_str == "gthread"


def run_check_config(**environ: str) -> subprocess.CompletedProcess:
    from tests.cli.conftest import clean_environment

    return subprocess.run(
        [GUNICORN, "-c", "python:coffeechat.gunicorn_conf", "--check-config"],
        capture_output=True,
        text=True,
        env=clean_environment(**environ),
        timeout=120,
        check=False,
    )


def test_a_bad_setting_stops_gunicorn_with_one_plain_line(tmp_path):
    checked = run_check_config(COFFEECHAT_BIND="nonsense", COFFEECHAT_HOME=str(tmp_path))
    assert checked.returncode == 1
    assert checked.stderr.strip().splitlines() == [
        "coffeechat: COFFEECHAT_BIND='nonsense' is not an address to listen on; use HOST:PORT "
        "such as 127.0.0.1:8000, or unix:/run/coffeechat/gunicorn.sock."
    ]


@pytest.fixture
def access(capsys):
    """A function that has one request pass through the module's hooks and gunicorn's logger as
    the module sets them up (the proxy at 10.0.0.2), and returns the lines written."""
    config = Config()
    for name in MEANT:
        config.set(name, getattr(gunicorn_conf, name))
    config.set("forwarded_allow_ips", "10.0.0.2")
    worker = SimpleNamespace(cfg=config)

    def log(path, status="200 OK", peer="10.0.0.2", headers=(), query="") -> list[dict]:
        # Set up here, in the test: the handlers take the standard streams capsys has now.
        logger = gunicorn_conf.JsonLogger(config)
        request = SimpleNamespace(peer_addr=(peer, 50000), headers=list(headers))
        gunicorn_conf.pre_request(worker, request)
        # What gunicorn then hands Django: the headers as they are after the hook.
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "REMOTE_ADDR": peer}
        environ["QUERY_STRING"] = query
        environ.update({f"HTTP_{name.replace('-', '_')}": value for name, value in request.headers})
        response = SimpleNamespace(status=status, sent=512, headers=[])
        try:
            logger.access(response, request, environ, timedelta(milliseconds=42))
        finally:
            gunicorn_conf.post_request(worker, request, environ, response)
        captured = capsys.readouterr()
        assert captured.out == ""  # one stream: every line on standard error
        return [json.loads(line) for line in captured.err.splitlines()]

    yield log
    # gunicorn's loggers are process-wide: leave them without the captured streams.
    for name in ("gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)


def test_an_access_line_says_who_asked_for_what_and_how_it_went(access):
    headers = [("X-FORWARDED-FOR", "203.0.113.9, 198.51.100.7"), ("X-REQUEST-ID", "req-1")]
    (line,) = access("/contacts/", headers=headers)
    assert line["logger"] == "gunicorn.access"
    assert line["message"] == "GET /contacts/ 200"
    assert {key: line[key] for key in ("method", "path", "status", "request_id", "bytes")} == {
        "method": "GET",
        "path": "/contacts/",
        "status": 200,
        "request_id": "req-1",
        "bytes": 512,
    }
    assert line["duration_ms"] == 42.0
    # The proxy's own entry: the address it saw the request come from.
    assert line["client"] == "198.51.100.7"


def test_each_request_gets_an_id_of_its_own_when_the_proxy_sends_none(access):
    (first,) = access("/contacts/")
    (second,) = access("/contacts/")
    assert first["request_id"] != second["request_id"]


def test_forwarded_headers_count_from_the_proxy_only():
    request = SimpleNamespace(
        peer_addr=("203.0.113.50", 40000),
        headers=[
            ("HOST", "cc.example.edu"),
            ("X-FORWARDED-PROTO", "https"),
            ("X-FORWARDED-FOR", "10.9.9.9"),
            ("X-FORWARDED-HOST", "evil.example"),
            ("FORWARDED", "for=10.9.9.9;proto=https"),
            ("X-REQUEST-ID", "abc"),
        ],
    )
    proxy = SimpleNamespace(cfg=SimpleNamespace(forwarded_allow_ips=["127.0.0.1"]))
    gunicorn_conf.pre_request(proxy, request)
    assert request.headers == [("HOST", "cc.example.edu"), ("X-REQUEST-ID", "abc")]
    from_proxy = SimpleNamespace(
        peer_addr=("127.0.0.1", 40000), headers=[("X-FORWARDED-PROTO", "https")]
    )
    gunicorn_conf.pre_request(proxy, from_proxy)
    assert from_proxy.headers == [("X-FORWARDED-PROTO", "https")]
    gunicorn_conf.post_request(proxy, request, {}, None)


@pytest.mark.parametrize(
    ("peer", "allowed", "trusted"),
    [
        (("127.0.0.1", 1), ["127.0.0.1"], True),
        (("127.0.0.2", 1), ["127.0.0.1"], False),
        (("10.0.3.4", 1), ["10.0.0.0/16"], True),
        (("::1", 1), ["127.0.0.1", "::1"], True),
        (("203.0.113.5", 1), [], False),
        (("203.0.113.5", 1), ["*"], True),
        ("", ["127.0.0.1"], True),  # a Unix socket: only what can open the file reaches it
    ],
)
def test_the_proxy_is_recognised_as_gunicorn_recognises_it(peer, allowed, trusted):
    assert gunicorn_conf._from_trusted_proxy(peer, allowed) is trusted


def test_an_access_line_never_holds_a_secret_link_or_the_query(access):
    (line,) = access("/r/snooze/signed-token/", query="q=Jane+Doe")
    assert line["path"] == "/r/snooze/[redacted]/"
    assert "signed-token" not in json.dumps(line) and "Jane" not in json.dumps(line)


def test_passing_health_checks_leave_no_line_and_failing_ones_do(access):
    assert access("/healthz") == []
    assert access("/readyz") == []
    (line,) = access("/readyz", status="503 Service Unavailable")
    assert line["status"] == 503
