"""Django settings, built from the checked configuration in ``coffeechat.config``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF

from coffeechat import config, server_config
from coffeechat.core.hosts import AllowedHosts

CONFIG = config.load()
PACKAGE_DIR = Path(__file__).resolve().parent

DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
# A list that gains the LAN address while paired phones may reach the app (services.lan).
ALLOWED_HOSTS = AllowedHosts(CONFIG.allowed_hosts)
COFFEECHAT_MODE = CONFIG.mode
COFFEECHAT_HOME = CONFIG.home
COFFEECHAT_LOGIN_LINK_MINUTES = CONFIG.login_link_minutes
# The mail server for "Send now" on the thank-you composer; None when not configured.
COFFEECHAT_SMTP = CONFIG.smtp


def _computer_time_zone() -> str:
    import tzlocal

    try:
        return tzlocal.get_localzone_name() or "UTC"
    except Exception:  # an unreadable system zone must not stop the app starting
        return "UTC"


# Read now: once settings are loaded Django sets TZ from TIME_ZONE and the computer's own zone is
# lost. A new local owner's "today" starts in this zone.
COFFEECHAT_COMPUTER_TIME_ZONE = _computer_time_zone()

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "coffeechat.store",
    "coffeechat.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so they apply to what the app renders and not to static files.
    "csp.middleware.CSPMiddleware",
    "coffeechat.web.middleware.no_store",
    # Vary on the partial header for the views that read it (shortcuts.wants_partial).
    "coffeechat.web.middleware.vary_on_partial",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # "Sign out everywhere" (server mode): ends sessions that signed in before it was pressed.
    "coffeechat.web.middleware.signed_out_everywhere",
    # Over the LAN (a paired phone): a device session or the "how to pair" page, before the
    # sign-in redirect below could send a phone to a page it cannot use.
    "coffeechat.web.middleware.paired_devices_only",
    # Every page needs a signed-in owner; views that do not are marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "coffeechat.urls"
WSGI_APPLICATION = "coffeechat.wsgi.application"
LOGIN_URL = "web:sign_in"
LOGIN_REDIRECT_URL = "web:home"
# A refused form (expired or forged CSRF token) gets a page that says what to do next.
CSRF_FAILURE_VIEW = "coffeechat.web.views.errors.csrf_failure"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coffeechat.web.context.site",
            ],
        },
    },
]

if CONFIG.database is not None:
    DATABASES = {"default": dict(CONFIG.database)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(CONFIG.sqlite_path),
            "OPTIONS": {
                # The CLI and the server write the same file. WAL lets readers go on while one
                # process writes; FULL makes every commit durable; IMMEDIATE takes the write lock
                # when a transaction begins, so two read-then-write transactions queue behind the
                # busy timeout instead of failing with "database is locked" half way through.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
# Server mode with COFFEECHAT_STATIC_ROOT: `coffeechat collectstatic` copies the files there
# under names that carry a hash of their content (app.3f9c1b2e7a4d.css) and compresses them;
# WhiteNoise answers them with a cache time of ten years, since a changed file gets a new
# name. Otherwise (always in local mode) the files are served straight from the package, with
# no collectstatic step for a local user; in local mode their addresses carry a hash of the
# file (app.css?v=3f9c1b2e7a4d, web/static_files.py), so an upgrade never runs a stale script.
STATIC_ROOT = server_config.static_root(CONFIG.mode)
if STATIC_ROOT is not None:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    WHITENOISE_USE_FINDERS = False
else:
    if CONFIG.mode == "local":
        STORAGES = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "coffeechat.web.static_files.VersionedStaticFilesStorage"},
        }
    WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Messages ("Signed out Sam's phone") wait in the session, not in a cookie of their own that a
# script could read and that would travel without the __Host- guarantees of server mode.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Links out (a contact's LinkedIn page) carry no address of a coffeechat page, which may hold a
# chat's code or a feed's secret token; within the site the full address is kept. Django's
# default, named so that nobody loosens it unawares.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): the pages load scripts, styles and pictures from this
# site only, and the templates hold no inline script, style attribute or event handler, so none
# is allowed: an injected <script> or onerror= does not run. Mail links are navigation, not
# fetches, so they need no source here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        # Named, though default-src already covers them: the installable app of server mode
        # (web.views.pwa) loads its manifest and its service worker from this site only.
        "manifest-src": [SELF],
        "worker-src": [SELF],
    }
}

# Request bodies are bounded three times: `coffeechat serve` refuses a body larger than
# services.uploads.MAX_REQUEST_BYTES unread; each upload view drops its file as soon as it grows
# past its own limit (web.uploads); and the other form fields together stay within 2.5 MB.
# Files over 2.5 MB are spooled to a temporary file rather than held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Server mode is reached over HTTPS through a TLS proxy (docs/deploying.md, Security). Local mode is
# plain http on this computer and keeps none of this: browsers would drop Secure cookies there,
# and HSTS or a redirect to https would lock its owner out.
if CONFIG.mode == "server":
    # A __Host- name makes the browser refuse the cookie unless it is Secure, has Path=/ and no
    # Domain, so another site under the same domain cannot set or replace it for this one.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # No script reads the CSRF cookie: live.js takes the token from the form on the page.
    CSRF_COOKIE_HTTPONLY = True
    # The operator may leave the redirect to the proxy (COFFEECHAT_HTTPS_REDIRECT=false).
    SECURE_SSL_REDIRECT = CONFIG.https_redirect
    # A load balancer probes these over plain http inside the network; a redirect reads as down.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    # Subdomains only when the operator opts in: names under the site's name may still be plain
    # http (at a domain's apex that is every host of the domain, seldom a career centre's to
    # decide), and a browser keeps the rule for a year. Not preloaded either: the preload list
    # is all but impossible to leave, so applying is the domain owner's decision.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = CONFIG.hsts_include_subdomains
    SECURE_HSTS_PRELOAD = False
    # check --deploy warns about both choices above; they are made on purpose.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if not CONFIG.hsts_include_subdomains:
        SILENCED_SYSTEM_CHECKS.append("security.W005")
    if CONFIG.trusted_proxy:
        # The proxy sets X-Forwarded-Proto on every request. The header is believed only when
        # the proxy's own address is configured: `coffeechat serve` (waitress) drops it from
        # anyone else, and gunicorn must listen where only the proxy reaches it.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
if CONFIG.mode == "server":
    # One JSON object a line on standard error, with the request's id, for journald or a log
    # shipper; secrets in paths are cut out (coffeechat.logs). Local mode keeps plain lines.
    LOGGING["formatters"] = {"json": {"()": "coffeechat.logs.JsonFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
