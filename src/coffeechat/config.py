"""Configuration from the environment, parsed strictly.

Every setting comes from a ``COFFEECHAT_*`` variable (plus the standard ``DATABASE_URL``). A value
that cannot be read is an error naming the variable, never a silent default: a typo such as
``COFFEECHAT_DEBUG=ture`` would otherwise switch debug pages on or off without anyone noticing.
This module imports nothing from Django so the CLI can use it before deciding to load Django.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

MODES = ("local", "server")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
SECRET_KEY_FILE = "secret_key"
DATABASE_FILE = "coffeechat.sqlite3"
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
    smtp: SmtpConfig | None = None

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
    """Create the home if needed and make sure coffeechat can write there."""
    if home.exists() and not home.is_dir():
        raise ConfigError(f"The coffeechat home {home} is a file, not a directory.")
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as error:
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
            allowed_hosts=env_list("COFFEECHAT_ALLOWED_HOSTS", environ),
            database_url=database_url,
            login_link_minutes=login_link_minutes,
            trusted_proxy=trusted_proxy,
            smtp=load_smtp(environ),
        )
    if environ.get("COFFEECHAT_TRUSTED_PROXY", "").strip():
        raise ConfigError(
            "COFFEECHAT_TRUSTED_PROXY applies to server mode only; in local mode nothing sits "
            "between your browser and coffeechat."
        )
    home = prepare_home(resolve_home(environ))
    secret_key = environ.get("COFFEECHAT_SECRET_KEY", "").strip() or local_secret_key(home)
    return Config(
        mode=mode,
        debug=debug,
        home=home,
        secret_key=secret_key,
        allowed_hosts=list(LOOPBACK_HOSTS),
        database_url=database_url,
        login_link_minutes=login_link_minutes,
        smtp=load_smtp(environ),
    )
