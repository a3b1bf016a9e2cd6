"""Password reset by email (server mode): a link that works once, for an hour.

The link carries the account's id and a token from Django's PasswordResetTokenGenerator. Nothing
is stored: the token is a keyed hash of the account's password hash and last sign-in, so it stops
working as soon as the password changes (it works once) or the person signs in. Asking for a
link never says whether an address has an account: the answer is the same either way.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from coffeechat.core import compose
from coffeechat.services.errors import DomainError, InvalidInput
from coffeechat.services.mail import deliver, message_id_domain, smtp_settings

log = logging.getLogger(__name__)

# Django's own limit (PASSWORD_RESET_TIMEOUT) is three days by default: too long for a link
# that lets anyone who reads the mail take over the account.
RESET_LINK_MINUTES = 60


class ResetLinkRejected(DomainError):
    """A reset link that is altered, used already (the password changed) or expired."""


REJECTED = (
    "This password reset link cannot be used: it has expired (links last "
    f"{RESET_LINK_MINUTES} minutes), it was used already, or it was not copied whole. "
    "Ask for a new one."
)


class _ResetTokens(PasswordResetTokenGenerator):
    # Our own salt: a token made for any other purpose never resets a password here.
    key_salt = "coffeechat.services.password_reset"

    def check_token(self, user, token) -> bool:
        if not super().check_token(user, token):
            return False
        issued = base36_to_int(token.split("-")[0])
        return self._num_seconds(self._now()) - issued <= RESET_LINK_MINUTES * 60


tokens = _ResetTokens()


def _accounts_for(email: str):
    """Active accounts with a password whose address is ``email``, in any case."""
    address = email.strip()
    if not address:
        return []
    found = get_user_model().objects.filter(email__iexact=address, is_active=True)
    return [user for user in found if user.has_usable_password()]


def reset_path(user) -> str:
    """The path of the page that sets a new password for ``user``; works once, for an hour."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("web:password_reset_confirm", args=[uid, tokens.make_token(user)])


def reset_message(link: str) -> tuple[str, str]:
    subject = "Reset your coffeechat password"
    body = (
        "Hello,\n\nSomeone (we hope you) asked to reset the password of your coffeechat "
        f"account. To choose a new one, open this link:\n\n{link}\n\n"
        f"The link works once, for {RESET_LINK_MINUTES} minutes. If you did not ask, ignore "
        "this message: your password stays as it is.\n"
    )
    return subject, body


def send_reset_links(email: str, site: str, now: datetime | None = None) -> int:
    """Mail a reset link to each account at ``email``; ``site`` is the address links start with.

    Returns how many went out, for tests and logs only: what the person sees must not depend on
    it. A failure to send is logged, not shown, for the same reason.
    """
    now = now or timezone.now()
    config = smtp_settings()
    if config is None:
        return 0
    sent = 0
    for user in _accounts_for(email):
        subject, body = reset_message(site.rstrip("/") + reset_path(user))
        payload = compose.build_message(
            config.from_addr, user.email, subject, body, now, message_id_domain(config.from_addr)
        )
        try:
            deliver(config, user.email, payload)
        except (smtplib.SMTPException, OSError) as error:
            log.warning("A password reset email could not be sent: %s", error)
            continue
        sent += 1
    return sent


def account_for_link(uidb64: str, token: str):
    """The account a reset link is for, or ResetLinkRejected when it cannot be used."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        raise ResetLinkRejected(REJECTED) from None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or not tokens.check_token(user, token):
        raise ResetLinkRejected(REJECTED)
    return user


def reset_password(uidb64: str, token: str, password: str):
    """Set a new password through a reset link; the link (and every session) stops working."""
    with transaction.atomic():
        user = account_for_link(uidb64, token)
        # Locked, so two submissions of one link cannot both pass the check before either saves.
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if not tokens.check_token(user, token):
            raise ResetLinkRejected(REJECTED)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise InvalidInput(" ".join(error.messages), field="new_password1") from None
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
