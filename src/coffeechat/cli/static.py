"""``coffeechat collectstatic``: the static files a server answers with hashed names."""

from __future__ import annotations

import click

from coffeechat.cli.bootstrap import ready
from coffeechat.core.text import counted


@click.command()
def collectstatic() -> None:
    """Copy the static files into COFFEECHAT_STATIC_ROOT under hashed names, for a server.

    Each file is named after a hash of its content (app.3f9c1b2e7a4d.css) and kept compressed
    beside it, so browsers and proxies may keep it for good: a new version of a file gets a new
    name. Run it on every app server (or once, on a directory they share) after installing a
    new version and before restarting; files of earlier versions stay, for pages still open.
    Server mode only: without COFFEECHAT_STATIC_ROOT, as in local mode, the files are served
    straight from where coffeechat is installed and there is nothing to collect.

    \b
    Example:
      COFFEECHAT_STATIC_ROOT=/var/lib/coffeechat/static coffeechat collectstatic
    """
    ready()
    from coffeechat.services.setup import StaticFilesUnavailable, collect_static

    try:
        report = collect_static()
    except StaticFilesUnavailable as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"Collected {counted(report.files, 'static file')} into {report.directory}, with "
        "hashed names. Start (or restart) the app servers to serve them."
    )
