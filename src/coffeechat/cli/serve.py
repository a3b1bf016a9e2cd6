"""``coffeechat serve``: start the web app and hand the user a way in."""

from __future__ import annotations

import click

from coffeechat.cli.bootstrap import ready, use_database
from coffeechat.core.text import counted

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
def serve(host: str, port: int, no_browser: bool) -> None:
    """Migrate if needed, start the web app and print a one-time sign-in link.

    In local mode the app listens on this computer only and signs you in through a link that
    works once, for a few minutes. Stop it with Ctrl+C.

    \b
    Example:
      coffeechat serve --port 8080 --no-browser
    """
    config = ready()
    if config.is_local and host not in LOOPBACK:
        raise click.BadParameter(
            "in local mode coffeechat listens on this computer only (127.0.0.1, localhost or ::1); "
            "set COFFEECHAT_MODE=server to serve others.",
            param_hint="--host",
        )
    use_database()

    import waitress

    from coffeechat.services.accounts import ensure_owner, issue_login_link
    from coffeechat.services.uploads import MAX_REQUEST_BYTES
    from coffeechat.wsgi import application

    proxy = {}
    if config.trusted_proxy:
        # Behind a TLS proxy: believe its X-Forwarded-* headers, so Django sees https and the
        # public host (CSRF checks and secure cookies depend on both).
        proxy = {
            "trusted_proxy": config.trusted_proxy,
            "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-host", "x-forwarded-for"},
            "clear_untrusted_proxy_headers": True,
        }
    try:
        server = waitress.create_server(
            application,
            host=host,
            port=port,
            threads=8,
            ident="coffeechat",
            # A larger body is refused from its Content-Length (413), before any of it is read.
            max_request_body_size=MAX_REQUEST_BYTES,
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
        if not no_browser:
            open_in_browser(link)
    else:
        click.echo(f"coffeechat (server mode) is running at {base}/")
    click.echo("Press Ctrl+C to stop.", err=False)
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("\nStopped.")


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
