"""The settings only a production server reads: where it listens, how many workers, and where
the static files collected for it live.

Parsed as strictly as ``coffeechat.config`` (a typo is an error naming the variable). Kept apart
from it because gunicorn's configuration (``coffeechat.gunicorn_conf``) reads the first two
before Django loads, and only server mode has anything to say about the third. Like
``coffeechat.config``, this module imports nothing from Django.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from coffeechat.config import ConfigError, env_int

DEFAULT_BIND = "127.0.0.1:8000"
# Each worker answers this many requests at once (gunicorn's threads): enough to overlap the
# waits on PostgreSQL, few enough that workers x threads stays well under its connections.
THREADS_PER_WORKER = 4
MAX_WORKERS = 64
_HOST_PORT = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(?P<port>\d{1,5})")


def bind(environ: Mapping[str, str] | None = None) -> str:
    """Where gunicorn listens: ``HOST:PORT``, ``[IPv6]:PORT`` or ``unix:/path/to/socket``."""
    environ = os.environ if environ is None else environ
    raw = environ.get("COFFEECHAT_BIND", "").strip()
    if not raw:
        return DEFAULT_BIND
    if raw.startswith("unix:"):
        if not raw.removeprefix("unix:").startswith("/"):
            raise ConfigError(
                f"COFFEECHAT_BIND={raw!r} names a socket without an absolute path; use one such "
                "as unix:/run/coffeechat/gunicorn.sock."
            )
        return raw
    found = _HOST_PORT.fullmatch(raw)
    if not found or not 1 <= int(found["port"]) <= 65535:
        raise ConfigError(
            f"COFFEECHAT_BIND={raw!r} is not an address to listen on; use HOST:PORT such as "
            f"{DEFAULT_BIND}, or unix:/run/coffeechat/gunicorn.sock."
        )
    return raw


def usable_cpus() -> int:
    """The processors this process may run on (fewer than the machine has under a CPU limit)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers(environ: Mapping[str, str] | None = None, cpus: int | None = None) -> int:
    """How many worker processes gunicorn starts: one per processor and one more, by default.

    The extra one keeps every processor busy while another worker waits on the database.
    """
    default = min((cpus or usable_cpus()) + 1, MAX_WORKERS)
    return env_int("COFFEECHAT_WORKERS", default, minimum=1, maximum=MAX_WORKERS, environ=environ)


def static_root(mode: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """The directory `coffeechat collectstatic` fills and the server answers /static/ from.

    None (unset) serves the files straight from the installed package, without hashed names:
    what local mode always does, and what server mode does until it is set.
    """
    environ = os.environ if environ is None else environ
    raw = environ.get("COFFEECHAT_STATIC_ROOT", "").strip()
    if not raw:
        return None
    if mode != "server":
        raise ConfigError(
            "COFFEECHAT_STATIC_ROOT applies to server mode only; in local mode coffeechat "
            "serves its files straight from where it is installed."
        )
    path = Path(raw).expanduser()
    if not path.is_absolute():
        raise ConfigError(
            f"COFFEECHAT_STATIC_ROOT={raw!r} is not an absolute path; use one such as "
            "/var/lib/coffeechat/static."
        )
    return path
