"""``coffeechat invite``: invite someone to a coffeechat server by email."""

from __future__ import annotations

import click

from coffeechat.cli.bootstrap import ready, use_server_database
from coffeechat.cli.common import friendly_errors


def site_address(site: str | None, allowed_hosts: list[str]) -> str:
    """Where invitation links point: --site, else https:// and the first allowed host name."""
    if site:
        address = site.strip()
        if not address.startswith(("https://", "http://")):
            raise click.ClickException(
                f"--site {site!r} is not a web address; give it as https://coffeechat.example.edu"
            )
        return address.rstrip("/")
    # A leading dot (".example.edu") allows every subdomain: no one address to link to.
    names = [host for host in allowed_hosts if not host.startswith(".") and host != "*"]
    if not names:
        raise click.ClickException(
            "Cannot tell this site's address from COFFEECHAT_ALLOWED_HOSTS; give it with "
            "--site https://coffeechat.example.edu"
        )
    return f"https://{names[0]}"


@click.command()
@click.argument("email")
@click.option("--coach", is_flag=True, help="Invite a coach, whom students may grant access.")
@click.option(
    "--admin",
    is_flag=True,
    help="Invite an administrator, who may invite students and coaches from the web app.",
)
@click.option(
    "--site",
    metavar="URL",
    help="The address people open coffeechat at (default: https:// and the first name in "
    "COFFEECHAT_ALLOWED_HOSTS).",
)
@click.option(
    "--no-email",
    is_flag=True,
    help="Print the link instead of sending it, even when sending email is set up.",
)
def invite(email: str, coach: bool, admin: bool, site: str | None, no_email: bool) -> None:
    """Invite EMAIL to this coffeechat server: a link that works once, for 7 days.

    With sending email set up (COFFEECHAT_SMTP_HOST and COFFEECHAT_SMTP_FROM), the link goes
    to EMAIL; otherwise it is printed here to send yourself. Inviting an address again
    replaces its open invitation with a fresh link. The person joins by opening the link and
    choosing a password; they sign in with their email address. The first administrator of
    a new server is invited this way.

    Server mode only: a local coffeechat has one user and no sign-up.

    \b
    Example:
      coffeechat invite you@example.edu --admin --no-email
      coffeechat invite sam@example.edu
      coffeechat invite kim@example.edu --coach
    """
    config = ready()
    if config.is_local:
        raise click.ClickException(
            "This coffeechat is local: it has one user, you, and no sign-up, so there is nobody "
            "to invite. Invitations are for a coffeechat server (COFFEECHAT_MODE=server)."
        )
    address = site_address(site, config.allowed_hosts)
    use_server_database()
    from coffeechat.services import invitations

    with friendly_errors():
        issued = invitations.invite(email, as_coach=coach, as_admin=admin)
    invitation = issued.invitation
    link = address + invitations.join_path(issued.secret)
    role = invitations.role_of(invitation)
    until = f"{invitation.expires_at:%d %B %Y, %H:%M} UTC"
    if invitations.can_send() and not no_email:
        try:
            invitations.send_invitation(invitation, link)
        except invitations.NotSent as error:
            click.echo(error.message, err=True)
        else:
            click.echo(f"Invited {invitation.email} as {role}: the link is on its way by email.")
            click.echo(f"It works once, until {until}.")
            return
    click.echo(f"Invited {invitation.email} as {role}. Send them this link:")
    click.echo(f"  {link}")
    click.echo(f"It works once, until {until}. It is not kept: to show it again, invite again.")
