"""``coffeechat serve``: start the web app and hand the user a way in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from coffeechat.cli.bootstrap import ready, use_database_of
from coffeechat.core.text import counted

if TYPE_CHECKING:
    from coffeechat.store.owners import Owner

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.option("--no-browser", is_flag=True, help="Do not open the sign-in link in a browser.")
@click.option(
    "--lan",
    "lan_address",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[ADDRESS]",
    help="Also listen on this computer's network, for a paired phone (at ADDRESS, or the first "
    "address found), and print a pairing code.",
)
def serve(host: str, port: int, no_browser: bool, lan_address: str | None) -> None:
    """Start the web app (migrating first in local mode) and print a one-time sign-in link.

    In local mode the app listens on this computer only and signs you in through a link that
    works once, for a few minutes. With --lan it also listens on one address of your network,
    where only phones you pair can use it (pair from the code it prints, or from Preferences:
    "Use on my phone"); it listens there again at the next start until you press Stop there.
    Stop the app with Ctrl+C.

    \b
    Examples:
      coffeechat serve --port 8080 --no-browser
      coffeechat serve --lan
      coffeechat serve --lan 192.168.1.20
    """
    config = ready()
    if config.is_local and host not in LOOPBACK:
        raise click.BadParameter(
            "in local mode coffeechat listens on this computer only (127.0.0.1, localhost or ::1); "
            "use --lan to let a phone you pair reach it, or set COFFEECHAT_MODE=server to serve "
            "others.",
            param_hint="--host",
        )
    if lan_address is not None and not config.is_local:
        raise click.BadParameter(
            "in server mode phones reach coffeechat at the server's own address; --lan is for "
            "coffeechat on your own computer.",
            param_hint="--lan",
        )
    # A server's schema changes in a step of its own (coffeechat migrate), run once for every
    # app server sharing the database; a laptop migrates as it starts.
    use_database_of(config)

    from waitress.server import create_server

    from coffeechat.cli.lan import LanListener
    from coffeechat.services import lan
    from coffeechat.services.accounts import ensure_owner, issue_login_link
    from coffeechat.services.uploads import MAX_REQUEST_BYTES
    from coffeechat.wsgi import application

    options: dict[str, Any] = {
        "threads": 8,
        "ident": "coffeechat",
        # A larger body is refused from its Content-Length (413), before any of it is read.
        "max_request_body_size": MAX_REQUEST_BYTES,
    }
    proxy: dict[str, Any] = {}
    if config.trusted_proxy:
        # Behind a TLS proxy: believe its X-Forwarded-* headers, so Django sees https and the
        # public host (CSRF checks and secure cookies depend on both).
        proxy = {
            "trusted_proxy": config.trusted_proxy,
            "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-host", "x-forwarded-for"},
            "clear_untrusted_proxy_headers": True,
        }
    try:
        server = create_server(
            application,
            host=host,
            port=port,
            **options,
            **proxy,
        )
    except OSError as error:
        raise click.ClickException(
            f"Cannot listen on {host}:{port} ({error.strerror}). "
            "Is coffeechat already running? Try another port with --port."
        ) from None
    shown_host = f"[{host}]" if ":" in host else host
    base = f"http://{shown_host}:{port}"
    if config.is_local:
        owner = ensure_owner()
        link = f"{base}/signin/{issue_login_link(owner)}/"
        click.echo(f"coffeechat is running at {base}/ (data in {config.home})")
        click.echo(
            "Open this link to sign in (it works once, for "
            f"{counted(config.login_link_minutes, 'minute')}):"
        )
        click.echo(f"  {link}")
        start_lan(
            owner,
            LanListener(application, port, **options),
            lan_address,
            minutes=config.login_link_minutes,
        )
        start_reminders(owner, f"{base}/")
        if not no_browser:
            open_in_browser(link)
    else:
        click.echo(f"coffeechat (server mode) is running at {base}/")
    click.echo("Press Ctrl+C to stop.", err=False)
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("\nStopped.")
    finally:
        lan.install(None)


# How often a running app sends the reminders that came due (coffeechat remind does the same).
REMIND_EVERY_SECONDS = 300


def start_reminders(owner: Owner, base: str) -> None:
    """Send due reminders now and every few minutes while the app runs, in a daemon thread.

    Links point at this app (unless the user set another address). What went out, or failed,
    is printed here too; the record is in Preferences, Reminders.
    """
    import logging
    import threading

    from django.db import close_old_connections

    from coffeechat.cli.remind import outcome_line
    from coffeechat.services.reminders import remind

    # Nothing sets it: waiting on it is a pause the interpreter can end at exit.
    pause = threading.Event()

    def loop() -> None:
        while True:
            try:
                report = remind(owner=owner, link_address=base)
                for outcome in report.outcomes:
                    if outcome.status != "skipped":
                        click.echo(outcome_line(outcome))
            except Exception:  # the app keeps serving; the next round tries again
                logging.getLogger(__name__).exception("Sending reminders failed")
            finally:
                close_old_connections()
            if pause.wait(REMIND_EVERY_SECONDS):
                return

    threading.Thread(target=loop, name="coffeechat-reminders", daemon=True).start()


def start_lan(owner: Owner, listener, asked: str | None, *, minutes: int) -> None:
    """Open the LAN listener if asked (or left on last time), and print how to pair a phone."""
    from coffeechat.core.qr import qr_text
    from coffeechat.services import lan
    from coffeechat.services.devices import pairing_secret

    lan.install(listener)
    try:
        problem = lan.resume(owner, asked)
    except lan.LanRefused as error:
        lan.install(None)
        raise click.ClickException(error.message) from None
    if problem:
        click.echo(problem)
    status = lan.lan_status()
    if not status.on:
        return
    pairing = f"{status.base_url}/pair/{pairing_secret(owner)}/"
    click.echo(
        f"Phones you pair reach coffeechat at {status.base_url}/ on this network (for networks "
        "you trust; turn it off in Preferences, Use on my phone)."
    )
    click.echo(
        "To pair a phone, scan this code with its camera "
        f"(it works once, for {counted(minutes, 'minute')}):"
    )
    click.echo(qr_text(pairing))
    click.echo(f"  {pairing}")


def open_in_browser(link: str) -> None:
    """Open the link in a desktop browser; never start a text browser in this terminal."""
    import os
    import sys
    import webbrowser

    has_desktop = sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    opened = False
    if has_desktop:
        try:
            opened = webbrowser.open(link)
        except webbrowser.Error:
            opened = False
    if not opened:
        click.echo("(No desktop browser found here: copy the link into your browser.)")
