"""gunicorn's configuration for coffeechat in server mode (docs/deploying.md).

Start the server with::

    gunicorn -c python:coffeechat.gunicorn_conf

It is a module of the installed package, so the same command works from a checkout, a wheel
or a virtual environment, with no file to copy. It reads the environment that coffeechat reads
(the systemd unit's EnvironmentFile): COFFEECHAT_BIND and COFFEECHAT_WORKERS say where to
listen and how many workers to run; COFFEECHAT_TRUSTED_PROXY is the one address whose
X-Forwarded-Proto is believed. Options given on gunicorn's command line win over these.
"""

from __future__ import annotations

import ipaddress
import logging
import sys

from gunicorn.glogging import Logger

# Every lowercase name at the top of this module is read as a gunicorn setting if gunicorn has
# one by that name (gunicorn has a setting called `config`): import names, not modules.
from coffeechat.config import ConfigError, env_ip
from coffeechat.logs import JsonFormatter, end_request, redact, start_request
from coffeechat.server_config import THREADS_PER_WORKER
from coffeechat.server_config import bind as configured_bind
from coffeechat.server_config import workers as configured_workers

# Read here, in the process that starts first, so that a bad value stops gunicorn with one clear
# line before any worker starts (and before the first worker fails the same way, again and again).
try:
    _TRUSTED_PROXY = env_ip("COFFEECHAT_TRUSTED_PROXY")
    _BIND = configured_bind()
    _WORKERS = configured_workers()
except ConfigError as error:
    sys.stderr.write(f"coffeechat: {error}\n")
    raise SystemExit(1) from None

wsgi_app = "coffeechat.wsgi:application"
bind = [_BIND]
workers = _WORKERS
worker_class = "gthread"
threads = THREADS_PER_WORKER
proc_name = "coffeechat"
# Only the proxy may say a request came over HTTPS (X-Forwarded-Proto) and for whom
# (X-Forwarded-For): from anyone else pre_request (below) drops those headers, so a client that
# reaches gunicorn directly cannot pose as secure. Nobody, when no proxy is named.
forwarded_allow_ips = _TRUSTED_PROXY or ""
# Access lines and gunicorn's own lines, as JSON on standard error (see JsonLogger below).
accesslog = "-"
errorlog = "-"
loglevel = "info"
# gunicorn 25.1 opens a control socket in the home directory by default; systemd is the
# control here, and two servers on one machine would fight over the same socket.
control_socket_disable = True
# A worker busy this long with one request is replaced: generous, since the slowest request (the
# import of a large contacts file) may take a while.
timeout = 60
graceful_timeout = 30


# Requests to these are the health checks of a proxy or a monitor, every few seconds: a line
# each would bury everything else, so only a failing answer is written.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})


class JsonLogger(Logger):
    """gunicorn's logger, writing JSON lines (coffeechat.logs) to standard error."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not getattr(handler, "_gunicorn", False):
                    continue
                handler.setFormatter(JsonFormatter())
                # gunicorn writes access lines to standard output; keep every line in one stream.
                if type(handler) is logging.StreamHandler and handler.stream is sys.stdout:
                    handler.setStream(sys.stderr)

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        path = environ.get("PATH_INFO") or "/"
        status = _status_code(resp.status)
        if path in QUIET_PATHS and status < 400:
            return
        method = environ.get("REQUEST_METHOD", "-")
        fields = {
            "method": method,
            "path": redact(path),
            "status": status,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "bytes": getattr(resp, "sent", None),
            "client": _client(environ),
        }
        try:
            self.access_log.info("%s %s %s", method, fields["path"], status, extra=fields)
        except Exception:
            self.exception("Could not write an access line")


def _status_code(status) -> int:
    try:
        return int(str(status).split(None, 1)[0])
    except ValueError:
        return 0


def _client(environ) -> str:
    """Who sent the request: the last entry of X-Forwarded-For, the one the proxy added itself
    (pre_request dropped the header from anyone else), or the connection's own address."""
    peer = environ.get("REMOTE_ADDR") or "-"
    forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.rsplit(",", 1)[-1].strip() or peer


logger_class = JsonLogger


def pre_request(worker, req) -> None:
    # Before gunicorn builds the request for Django from these headers: X-Forwarded-* from
    # anyone but the proxy are dropped, as `coffeechat serve` does, so that neither Django (which
    # believes X-Forwarded-Proto in server mode, SECURE_PROXY_SSL_HEADER) nor a log line takes a
    # visitor's word for the scheme or their address.
    if not _from_trusted_proxy(req.peer_addr, worker.cfg.forwarded_allow_ips):
        req.headers = [(name, value) for name, value in req.headers if name not in FORWARDED]
    given = next((value for name, value in req.headers if name == "X-REQUEST-ID"), None)
    start_request(given)


# The headers a proxy sets about the visitor's connection (gunicorn upper-cases names).
FORWARDED = frozenset(
    {
        "FORWARDED",
        "X-FORWARDED-FOR",
        "X-FORWARDED-HOST",
        "X-FORWARDED-PORT",
        "X-FORWARDED-PROTO",
        "X-FORWARDED-PROTOCOL",
        "X-FORWARDED-SSL",
    }
)


def _from_trusted_proxy(peer, allowed) -> bool:
    """Whether the connection comes from an address allowed to speak for the visitor (as
    gunicorn decides it: a Unix socket is always, "*" allows anyone, networks are allowed)."""
    if not isinstance(peer, tuple):
        return True
    try:
        address = ipaddress.ip_address(peer[0])
    except ValueError:
        return False
    for entry in allowed or ():
        if entry == "*":
            return True
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def post_request(worker, req, environ, resp) -> None:
    end_request()
