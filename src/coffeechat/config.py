"""Configuration from the environment, parsed strictly.

Every setting comes from a ``COFFEECHAT_*`` variable (plus the standard ``DATABASE_URL``). A value
that cannot be read is an error naming the variable, never a silent default: a typo such as
``COFFEECHAT_DEBUG=ture`` would otherwise switch debug pages on or off without anyone noticing.
This module imports nothing from Django so the CLI can use it before deciding to load Django.
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODES = ("local", "server")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
SECRET_KEY_FILE = "secret_key"
DATABASE_FILE = "coffeechat.sqlite3"
# SQLite keeps these beside the database while it is open; they hold recent changes.
DATABASE_SIDE_FILES = ("-wal", "-shm", "-journal")
# What services.backup.default_name writes (a test keeps the two together).
BACKUP_PATTERN = "coffeechat-backup-*.sqlite3"
# Only the owner may read or enter the home, or read or write the files coffeechat keeps there.
OTHERS = stat.S_IRWXG | stat.S_IRWXO
DATABASE_SCHEMES = ("postgres", "postgresql")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ConfigError(Exception):
    """A setting is missing or cannot be read; the message says which and how to fix it."""


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Read a yes/no variable; anything but the usual spellings is an error."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a yes/no value; use one of true, false, 1, 0.")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int,
    maximum: int,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Read a whole number within bounds."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number.") from None
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name}={value} is out of range; use {minimum} to {maximum}.")
    return value


def env_choice(
    name: str, default: str, choices: tuple[str, ...], environ: Mapping[str, str] | None = None
) -> str:
    """Read a variable that must be one of a few words."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if raw.lower() not in choices:
        raise ConfigError(f"{name}={raw!r} is not one of: {', '.join(choices)}.")
    return raw.lower()


def env_list(name: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """Read a comma-separated list, refusing empty items (a stray comma is usually a typo)."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name, "").strip()
    if not raw:
        return []
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ConfigError(f"{name}={raw!r} has an empty item; separate names with single commas.")
    return items


def env_ip(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """Read an IP address, refusing host names and typos."""
    import ipaddress

    environ = os.environ if environ is None else environ
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an IP address such as 127.0.0.1.") from None


def check_allowed_hosts(hosts: list[str]) -> list[str]:
    """Refuse host patterns that would let any Host header through (server mode).

    Django checks the Host header so that links in password-reset and invitation emails, built
    from it, cannot be made to point at an attacker's site; "*" switches that off.
    """
    name = "COFFEECHAT_ALLOWED_HOSTS"
    example = "such as coffeechat.example.edu"
    for host in hosts:
        if host == "*":
            raise ConfigError(
                f"{name}='*' would answer to any host name; list the names the site is reached "
                f"at, {example}."
            )
        suffix = host[2:]
        if host.startswith("*.") and suffix and "*" not in suffix:
            raise ConfigError(
                f"{name} has {host!r}; write '.{suffix}' to answer to {suffix} and every name "
                "under it, or list the names one by one."
            )
        if "*" in host:
            raise ConfigError(
                f"{name} has {host!r}, but a host name has no star in it; list the names the "
                f"site is reached at, {example}."
            )
        # ".example.edu" is a name and everything under it; ".edu" or "." is far too much.
        if host.startswith(".") and "." not in host[1:].strip("."):
            raise ConfigError(
                f"{name} has {host!r}, which is too wide: a leading dot answers to every name "
                f"under what follows it. List the names the site is reached at, {example}."
            )
    return hosts


SMTP_SECURITY = ("starttls", "ssl", "none")
SMTP_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
SMTP_VARIABLES = (
    "COFFEECHAT_SMTP_HOST",
    "COFFEECHAT_SMTP_PORT",
    "COFFEECHAT_SMTP_USER",
    "COFFEECHAT_SMTP_PASSWORD",
    "COFFEECHAT_SMTP_FROM",
    "COFFEECHAT_SMTP_SECURITY",
)


@dataclass(frozen=True)
class SmtpConfig:
    """A mail server to send thank-yous through; absent unless ``COFFEECHAT_SMTP_HOST`` is set."""

    host: str
    port: int
    from_addr: str
    security: str = "starttls"
    user: str = ""
    password: str = ""

    def __repr__(self) -> str:  # never print the password in a traceback or a log line
        return f"SmtpConfig(host={self.host!r}, port={self.port}, security={self.security!r})"


def load_smtp(environ: Mapping[str, str] | None = None) -> SmtpConfig | None:
    """Read the SMTP settings; all unset means sending by coffeechat is off."""
    from email.utils import parseaddr

    environ = os.environ if environ is None else environ
    given = [name for name in SMTP_VARIABLES if environ.get(name, "").strip()]
    host = environ.get("COFFEECHAT_SMTP_HOST", "").strip()
    if not host:
        if given:
            raise ConfigError(
                f"{given[0]} is set but COFFEECHAT_SMTP_HOST is not; set the mail server's host "
                "name too, or unset the other mail server variables."
            )
        return None
    security = env_choice("COFFEECHAT_SMTP_SECURITY", "starttls", SMTP_SECURITY, environ)
    port = env_int(
        "COFFEECHAT_SMTP_PORT",
        SMTP_DEFAULT_PORTS[security],
        minimum=1,
        maximum=65535,
        environ=environ,
    )
    from_addr = environ.get("COFFEECHAT_SMTP_FROM", "").strip()
    if not from_addr:
        raise ConfigError(
            "COFFEECHAT_SMTP_HOST is set but COFFEECHAT_SMTP_FROM is not; give the address your "
            "messages come from, such as 'Sam Lee <sam@example.com>'."
        )
    if "@" not in parseaddr(from_addr)[1] or any(ch in from_addr for ch in "\r\n"):
        raise ConfigError(
            f"COFFEECHAT_SMTP_FROM={from_addr!r} is not an email address such as "
            "'Sam Lee <sam@example.com>'."
        )
    user = environ.get("COFFEECHAT_SMTP_USER", "").strip()
    # Passwords may legitimately start or end with spaces; keep them as typed.
    password = environ.get("COFFEECHAT_SMTP_PASSWORD", "")
    if bool(user) != bool(password):
        raise ConfigError(
            "Set both COFFEECHAT_SMTP_USER and COFFEECHAT_SMTP_PASSWORD, or neither (for a "
            "server that needs no sign-in)."
        )
    if password and security == "none" and host not in ("127.0.0.1", "localhost", "::1"):
        raise ConfigError(
            "COFFEECHAT_SMTP_SECURITY=none would send your mail password unencrypted to "
            f"{host}; use starttls or ssl."
        )
    return SmtpConfig(
        host=host, port=port, from_addr=from_addr, security=security, user=user, password=password
    )


def default_home() -> Path:
    """The platform's per-user data directory for coffeechat."""
    import platformdirs

    return Path(platformdirs.user_data_dir("coffeechat", appauthor=False))


@dataclass(frozen=True)
class Config:
    """What settings.py needs, already checked."""

    mode: str
    debug: bool
    home: Path | None
    secret_key: str
    allowed_hosts: list[str]
    database_url: str | None
    login_link_minutes: int
    trusted_proxy: str | None = None
    # Server mode: whether HSTS also covers every subdomain of the site's name (an opt-in).
    hsts_include_subdomains: bool = False
    # Server mode: whether coffeechat itself sends plain-http requests on to https (on unless
    # the proxy in front does it, or a test serves plain http on loopback).
    https_redirect: bool = True
    smtp: SmtpConfig | None = None
    # Django's settings for DATABASE_URL, checked; None means SQLite in the home.
    database: dict[str, Any] | None = None
    # True when this load took away other accounts' access to an existing home (say so once).
    made_private: bool = False

    @property
    def is_local(self) -> bool:
        return self.mode == "local"

    @property
    def sqlite_path(self) -> Path | None:
        if self.database_url or self.home is None:
            return None
        return self.home / DATABASE_FILE


def resolve_home(environ: Mapping[str, str] | None = None) -> Path:
    """The home directory: ``COFFEECHAT_HOME`` when set, else the platform's data directory."""
    environ = os.environ if environ is None else environ
    raw = environ.get("COFFEECHAT_HOME", "").strip()
    return Path(raw).expanduser().resolve() if raw else default_home()


def prepare_home(home: Path) -> Path:
    """Create the home if needed, private to its owner, and make sure coffeechat can write there."""
    try:
        if home.exists() and not home.is_dir():
            raise ConfigError(f"The coffeechat home {home} is a file, not a directory.")
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        # Also a folder on the way that this account may not open (exists() raises then).
        raise ConfigError(
            f"Cannot create the coffeechat home {home}: {error.strerror}. "
            "Choose another with --home or COFFEECHAT_HOME."
        ) from None
    if not os.access(home, os.W_OK | os.X_OK):
        raise ConfigError(
            f"The coffeechat home {home} is not writable. "
            "Fix its permissions or choose another with --home or COFFEECHAT_HOME."
        )
    return home


def database_files(database: Path) -> list[Path]:
    """The SQLite file and the files SQLite keeps beside it, whether or not they exist yet."""
    return [database, *(database.with_name(database.name + tail) for tail in DATABASE_SIDE_FILES)]


def own_files(home: Path) -> list[Path]:
    """The files coffeechat itself keeps in ``home``, whether or not they exist yet."""
    return [
        home / SECRET_KEY_FILE,
        *database_files(home / DATABASE_FILE),
        *sorted(home.glob(BACKUP_PATTERN)),
    ]


def make_private(home: Path) -> bool:
    """Take other accounts' access away from the home and coffeechat's own files in it.

    Returns True when anything was tightened. Nothing else in the home is touched, nor what a
    symbolic link points to; a filesystem that keeps no modes is left as it is, quietly.
    """
    tightened = _take_away_others(home, directory=True)
    for path in own_files(home):
        tightened = _take_away_others(path, directory=False) or tightened
    return tightened


def _take_away_others(path: Path, *, directory: bool) -> bool:
    try:
        # The home may be reached through a link (its own choice); a file in it must not be.
        before = path.stat() if directory else path.lstat()
    except OSError:
        return False
    kind = stat.S_ISDIR if directory else stat.S_ISREG
    # A sticky folder such as /tmp is shared by design: never lock the other accounts out.
    shared = directory and before.st_mode & stat.S_ISVTX
    if not kind(before.st_mode) or shared or not before.st_mode & OTHERS:
        return False
    try:
        path.chmod(stat.S_IMODE(before.st_mode) & ~OTHERS)
        return not path.stat().st_mode & OTHERS
    except OSError:  # not ours to change, or a filesystem without modes: carry on as before
        return False


def create_private_database(path: Path) -> None:
    """Create the empty SQLite file readable by its owner only, before SQLite opens it.

    SQLite gives the ``-wal`` and ``-shm`` files it makes later the same mode as this file.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return
    except OSError as error:
        raise ConfigError(
            f"Cannot create the database file {path}: {error.strerror}. "
            "Choose another home with --home or COFFEECHAT_HOME."
        ) from None


def check_database_writable(database: Path) -> None:
    """Refuse a database file (or its -wal or -shm) that this account may not write.

    Checked before SQLite opens it: SQLite would read it, then fail at the first save, and leave
    read-only -wal and -shm files behind.
    """
    for path in database_files(database):
        if path.is_file() and not os.access(path, os.W_OK):
            raise ConfigError(
                f"The database file {path} is read-only, so coffeechat cannot save anything. "
                f"Make it writable for your account (chmod u+w {path}, or chown it back if "
                "another account owns it), then try again."
            )


def database_settings(url: str) -> dict[str, Any]:
    """Django's settings for the PostgreSQL database at ``url``; anything else is an error.

    Messages never repeat the URL itself: it may hold a password.
    """
    import dj_database_url

    example = "postgres://USER:PASSWORD@HOST:5432/NAME"
    scheme, separator, _ = url.partition("://")
    if not separator or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        raise ConfigError(
            f"DATABASE_URL is not a database URL. Use one such as {example}, or unset it to keep "
            "your data in SQLite in the coffeechat home."
        )
    if scheme.lower() not in DATABASE_SCHEMES:
        raise ConfigError(
            f"DATABASE_URL names a {scheme.lower()}:// database; coffeechat works with PostgreSQL "
            f"({example}), or with SQLite in its home when DATABASE_URL is unset."
        )
    try:
        database: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError:
        raise ConfigError(
            f"DATABASE_URL cannot be read as {example}: check the port, and write any of "
            ": / @ ? # in the user name or password as %3A %2F %40 %3F %23."
        ) from None
    if not database.get("NAME") and "service" not in database.get("OPTIONS", {}):
        raise ConfigError(f"DATABASE_URL names no database; end it with /NAME, as in {example}.")
    if not postgresql_driver_installed():
        raise ConfigError(
            "DATABASE_URL names a PostgreSQL database, and the PostgreSQL driver is not "
            "installed. Install it with: pip install 'coffeechat[postgres]' (or unset "
            "DATABASE_URL to keep your data in SQLite in the coffeechat home)."
        )
    # JIT compiling pays off for long reports, not for a page's short queries: on the funnel at
    # full scale it was 534 of 688 ms. Any options the URL gives come after, so they win.
    options = database.setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, ["-c jit=off", options.get("options", "")]))
    return database


def postgresql_driver_installed() -> bool:
    """Whether Django can reach PostgreSQL here: the driver is the optional ``postgres`` extra,
    since a home on SQLite (the default) never needs it."""
    return any(importlib.util.find_spec(name) is not None for name in ("psycopg", "psycopg2"))


def local_secret_key(home: Path) -> str:
    """Read the home's secret key, generating it on first use, readable by the owner only."""
    path = home / SECRET_KEY_FILE
    if path.exists():
        return _read_secret_key(path)
    key = secrets.token_urlsafe(50)
    # O_EXCL: when two processes start at once, only one key wins and both then read it.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret_key(path)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def _read_secret_key(path: Path) -> str:
    """The key in ``path``; an empty or damaged file is an error, never an empty key."""
    # A file that another process has just created may stay empty for an instant before its
    # key is written, so look again briefly before calling it damaged.
    for _ in range(25):
        try:
            key = path.read_text(encoding="ascii").strip()
        except UnicodeDecodeError:
            key = ""
        except OSError as error:
            raise ConfigError(
                f"Cannot read the secret key file {path}: {error.strerror}. Fix its permissions."
            ) from None
        if len(key) >= 32:
            return key
        time.sleep(0.02)
    raise ConfigError(
        f"The secret key file {path} is empty or damaged. Delete it and coffeechat makes a "
        "new one (anyone signed in is signed out)."
    )


def load(environ: Mapping[str, str] | None = None) -> Config:
    """Read and check the whole configuration."""
    environ = os.environ if environ is None else environ
    mode = env_choice("COFFEECHAT_MODE", "local", MODES, environ)
    debug = env_bool("COFFEECHAT_DEBUG", False, environ)
    login_link_minutes = env_int(
        "COFFEECHAT_LOGIN_LINK_MINUTES", 10, minimum=1, maximum=24 * 60, environ=environ
    )
    database_url = environ.get("DATABASE_URL", "").strip() or None
    database = database_settings(database_url) if database_url else None
    if mode == "server":
        missing = [
            name
            for name in ("DATABASE_URL", "COFFEECHAT_SECRET_KEY", "COFFEECHAT_ALLOWED_HOSTS")
            if not environ.get(name, "").strip()
        ]
        if missing:
            raise ConfigError(
                "Server mode needs " + ", ".join(missing) + ". "
                "See docs/configuration.md; unset COFFEECHAT_MODE to run locally instead."
            )
        secret_key = environ["COFFEECHAT_SECRET_KEY"].strip()
        if len(secret_key) < 32:
            raise ConfigError(
                "COFFEECHAT_SECRET_KEY is too short; use at least 32 random characters."
            )
        trusted_proxy = env_ip("COFFEECHAT_TRUSTED_PROXY", environ)
        return Config(
            mode=mode,
            debug=debug,
            home=None,
            secret_key=secret_key,
            allowed_hosts=check_allowed_hosts(env_list("COFFEECHAT_ALLOWED_HOSTS", environ)),
            database_url=database_url,
            login_link_minutes=login_link_minutes,
            trusted_proxy=trusted_proxy,
            hsts_include_subdomains=env_bool("COFFEECHAT_HSTS_INCLUDE_SUBDOMAINS", False, environ),
            https_redirect=env_bool("COFFEECHAT_HTTPS_REDIRECT", True, environ),
            smtp=load_smtp(environ),
            database=database,
        )
    if environ.get("COFFEECHAT_TRUSTED_PROXY", "").strip():
        raise ConfigError(
            "COFFEECHAT_TRUSTED_PROXY applies to server mode only; in local mode nothing sits "
            "between your browser and coffeechat."
        )
    if environ.get("COFFEECHAT_HTTPS_REDIRECT", "").strip():
        raise ConfigError(
            "COFFEECHAT_HTTPS_REDIRECT applies to server mode only; in local mode coffeechat is "
            "plain http on this computer."
        )
    if environ.get("COFFEECHAT_HSTS_INCLUDE_SUBDOMAINS", "").strip():
        raise ConfigError(
            "COFFEECHAT_HSTS_INCLUDE_SUBDOMAINS applies to server mode only; in local mode "
            "coffeechat is plain http on this computer and sends no HSTS."
        )
    home = prepare_home(resolve_home(environ))
    secret_key = environ.get("COFFEECHAT_SECRET_KEY", "").strip() or local_secret_key(home)
    if database is None:
        create_private_database(home / DATABASE_FILE)
        check_database_writable(home / DATABASE_FILE)
    smtp = load_smtp(environ)
    # Last, once nothing can fail: the run that tightens the modes is the one that says so.
    made_private = make_private(home)
    return Config(
        mode=mode,
        debug=debug,
        home=home,
        secret_key=secret_key,
        allowed_hosts=list(LOOPBACK_HOSTS),
        database_url=database_url,
        login_link_minutes=login_link_minutes,
        smtp=smtp,
        database=database,
        made_private=made_private,
    )
