"""Invitation-only sign-up for a coffeechat server: invite an address, join by the link once.

An invitation is a secret link. Only a hash of the secret is kept (like a sign-in link), so a
copy of the database cannot be used to join. At most one invitation per address is open; inviting
the address again replaces it with a fresh link. Joining claims the invitation with a conditional
update, so a form sent twice (or two people racing with one link) makes one account.

The account's sign-in name is its email address, in lower case: one thing to remember, and the
same address password resets go to. Addresses are unique without regard to case.
"""

from __future__ import annotations

import hashlib
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from coffeechat.core import compose
from coffeechat.core.fields import FieldError, check_email
from coffeechat.services.accounts import create_user, ensure_preferences
from coffeechat.services.errors import DomainError, InvalidInput, NotFound
from coffeechat.services.mail import deliver, explain, message_id_domain, smtp_settings
from coffeechat.store.models import Invitation

# Long enough to reach someone on holiday, short enough that a forgotten link dies.
INVITATION_DAYS = 7
# Django's user name holds at most this many characters, and the address is the user name.
LONGEST_ADDRESS = 150
# What an invitation is for, in the words the pages and the command line use.
STUDENT, COACH, ADMIN = "student", "coach", "admin"


class InvitationRejected(DomainError):
    """An invitation link that is unknown, altered, withdrawn, used already or expired."""


@dataclass(frozen=True)
class Issued:
    """A fresh invitation and its link's secret, which is never stored and cannot be shown again."""

    invitation: Invitation
    secret: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normal_address(email: str) -> str:
    """One checked email address in lower case, or InvalidInput saying what is wrong."""
    try:
        address = check_email(email)
    except FieldError as error:
        raise InvalidInput(str(error), field="email") from None
    if len(address) > LONGEST_ADDRESS:
        raise InvalidInput(
            f"An address longer than {LONGEST_ADDRESS} characters cannot be used to sign in; "
            "ask them for a shorter one.",
            field="email",
        )
    return address.lower()


def account_for(email: str):
    """The account whose address (or sign-in name) is ``email`` in any case, or None."""
    address = email.strip()
    return (
        get_user_model()
        .objects.filter(Q(email__iexact=address) | Q(username__iexact=address))
        .order_by("pk")
        .first()
    )


def role_of(invitation: Invitation) -> str:
    if invitation.as_admin:
        return ADMIN
    return COACH if invitation.as_coach else STUDENT


def may_invite(user) -> bool:
    """Whether ``user`` may invite anyone from the web: an administrator or a coach."""
    return bool(user.is_staff or ensure_preferences(user).is_coach)


def _check_inviter(invited_by, *, as_coach: bool, as_admin: bool) -> None:
    """Administrators invite students and coaches, coaches invite students; administrators are
    invited from the command line only, by whoever runs the server."""
    if invited_by is None:
        return
    if as_admin:
        raise InvalidInput(
            "Administrators are invited from the server's command line: "
            "coffeechat invite EMAIL --admin."
        )
    if invited_by.is_staff:
        return
    if not ensure_preferences(invited_by).is_coach:
        raise InvalidInput("Only administrators and coaches can invite people.")
    if as_coach:
        raise InvalidInput(
            "Coaches can invite students; ask an administrator to invite another coach.",
            field="role",
        )


def invite(
    email: str,
    *,
    as_coach: bool = False,
    as_admin: bool = False,
    invited_by=None,
    now: datetime | None = None,
) -> Issued:
    """Invite ``email`` (replacing any open invitation for it); return the link's secret.

    ``invited_by`` is None from the command line (whoever runs the server may invite anyone),
    else the administrator or coach inviting.
    """
    now = now or timezone.now()
    address = normal_address(email)
    _check_inviter(invited_by, as_coach=as_coach, as_admin=as_admin)
    if account_for(address) is not None:
        raise InvalidInput(
            f"{address} has an account already. They can sign in, or reset their password from "
            "the sign-in page.",
            field="email",
        )
    secret = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            # One open invitation per address (a unique constraint): the new link replaces it.
            _open().filter(email__iexact=address).delete()
            invitation = Invitation.objects.create(
                email=address,
                as_coach=as_coach,
                as_admin=as_admin,
                invited_by=invited_by,
                secret_hash=_hash(secret),
                expires_at=now + timedelta(days=INVITATION_DAYS),
            )
    except IntegrityError:
        # Someone else invited the same address at the same moment; theirs stands.
        raise InvalidInput(
            f"{address} was invited by someone else just now. Reload the page to see it.",
            field="email",
        ) from None
    return Issued(invitation, secret)


def _open():
    return Invitation.objects.filter(used_at__isnull=True, revoked_at__isnull=True)


def open_invitations(viewer):
    """The invitations not used nor withdrawn that ``viewer`` may see (None: all of them):
    an administrator sees every one, a coach the ones they made."""
    invitations = _open().select_related("invited_by").order_by("email")
    if viewer is None or viewer.is_staff:
        return invitations
    return invitations.filter(invited_by=viewer)


def _open_one(email: str, viewer) -> Invitation:
    invitation = open_invitations(viewer).filter(email__iexact=email.strip()).first()
    if invitation is None:
        raise NotFound(f"There is no open invitation for {email.strip()}.")
    return invitation


def resend(email: str, *, viewer=None, now: datetime | None = None) -> Issued:
    """A fresh link for the open invitation of ``email``, for the same role, from now on.

    The secret is not kept, so the old link cannot be sent again: it stops working.
    """
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _open_one(email, viewer)
        secret = secrets.token_urlsafe(32)
        invitation.secret_hash = _hash(secret)
        invitation.expires_at = now + timedelta(days=INVITATION_DAYS)
        invitation.save(update_fields=["secret_hash", "expires_at"])
    return Issued(invitation, secret)


def revoke(email: str, *, viewer=None, now: datetime | None = None) -> Invitation:
    """Withdraw the open invitation of ``email``: its link stops working."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _open_one(email, viewer)
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at"])
    return invitation


_UNKNOWN = (
    "This invitation link is not valid. Check that you copied all of it from the message, or "
    "ask the person who invited you for a new one."
)
_USED = (
    "This invitation has been used already; each one works once. If you joined with it, sign "
    "in; if not, ask for a new invitation."
)


def invitation_for(secret: str, now: datetime | None = None) -> Invitation:
    """The open invitation behind a link, or InvitationRejected saying why it cannot be used."""
    now = now or timezone.now()
    invitation = Invitation.objects.filter(secret_hash=_hash(secret)).first()
    if invitation is None:
        raise InvitationRejected(_UNKNOWN)
    if invitation.revoked_at is not None:
        raise InvitationRejected(
            "This invitation was withdrawn. Ask the person who invited you for a new one."
        )
    if invitation.used_at is not None:
        raise InvitationRejected(_USED)
    if invitation.expires_at <= now:
        raise InvitationRejected(
            f"This invitation has expired (invitations last {INVITATION_DAYS} days). Ask the "
            "person who invited you to send it again."
        )
    return invitation


def accept(secret: str, password: str, *, now: datetime | None = None):
    """Join with an invitation: make the account, with ``password``, and spend the invitation."""
    now = now or timezone.now()
    invitation = invitation_for(secret, now)
    address = invitation.email.lower()
    user_model = get_user_model()
    try:
        # Checked against an unsaved user, so "too like your email address" applies too.
        validate_password(password, user_model(username=address, email=address))
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="password") from None
    with transaction.atomic():
        # The claim: only one of two simultaneous submissions changes the row.
        claimed = (
            _open()
            .filter(pk=invitation.pk, secret_hash=invitation.secret_hash, expires_at__gt=now)
            .update(used_at=now)
        )
        if not claimed:
            raise InvitationRejected(_USED)
        if account_for(address) is not None:
            raise InvitationRejected(
                f"{address} has an account already. Sign in, or reset your password from the "
                "sign-in page."
            )
        user = create_user(address, email=address, password=password)
        if invitation.as_admin:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        preferences = ensure_preferences(user)
        preferences.is_coach = invitation.as_coach
        preferences.your_email = address
        preferences.save(update_fields=["is_coach", "your_email"])
        Invitation.objects.filter(pk=invitation.pk).update(user=user)
    return user


def join_path(secret: str) -> str:
    """The path of the page that joins with ``secret``; the caller adds the site's address."""
    return reverse("web:join", args=[secret])


def can_send() -> bool:
    """Whether this server can send email (COFFEECHAT_SMTP_HOST and COFFEECHAT_SMTP_FROM set);
    without it, invitation links are shown to copy."""
    return smtp_settings() is not None


def invitation_message(invitation: Invitation, link: str) -> tuple[str, str]:
    """The subject and text of the email that carries an invitation's link."""
    inviter = invitation.invited_by
    who = (inviter.get_full_name() or inviter.email or inviter.username) if inviter else ""
    role = {ADMIN: "an administrator", COACH: "a coach", STUDENT: "a member"}[role_of(invitation)]
    opening = f"{who} invited you" if who else "You are invited"
    subject = "Your invitation to coffeechat"
    body = (
        f"Hello,\n\n{opening} to join coffeechat as {role}: a place to plan, run and follow up "
        "informational interviews.\n\n"
        f"To join, open this link and choose a password:\n\n{link}\n\n"
        f"The link works once, until {invitation.expires_at:%d %B %Y, %H:%M} UTC. If you did "
        "not expect this message, you can ignore it.\n"
    )
    return subject, body


class NotSent(DomainError):
    """The invitation exists, but its email did not go out; the message says why."""


def send_invitation(invitation: Invitation, link: str, now: datetime | None = None) -> None:
    """Email ``link`` to the invited address through the configured server, or raise NotSent."""
    now = now or timezone.now()
    config = smtp_settings()
    if config is None:
        raise NotSent("Sending email is not set up on this server; copy the link instead.")
    subject, body = invitation_message(invitation, link)
    payload = compose.build_message(
        config.from_addr,
        invitation.email,
        subject,
        body,
        now,
        message_id_domain(config.from_addr),
    )
    after = " The invitation is made: copy the link and send it another way."
    try:
        deliver(config, invitation.email, payload)
    except (smtplib.SMTPException, OSError) as error:
        raise NotSent(explain(error, config, after=after)) from None
