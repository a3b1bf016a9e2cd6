"""Accounts on a server: joining by invitation, the Account page, password resets, invitations.

Every page here is for server mode only; on a laptop (one owner, no passwords, no sign-up) they
answer 404, as if they did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from coffeechat.services import invitations
from coffeechat.services.accounts import change_password, delete_account, sign_out_everywhere
from coffeechat.services.errors import DomainError
from coffeechat.services.password_reset import (
    RESET_LINK_MINUTES,
    ResetLinkRejected,
    account_for_link,
    reset_password,
    send_reset_links,
)
from coffeechat.web.account_forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    InvitationActionForm,
    InviteForm,
    NewPasswordForm,
)
from coffeechat.web.shortcuts import INVALID, allow, preferences_of, show_domain_error
from coffeechat.web.views.auth import signed_out

# The account was made by an invitation, with a password: the usual backend checks it later.
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"
# A refused link says so with the same status as a refused sign-in link (views.auth).
REFUSED = 403


def server_only(view: Callable) -> Callable:
    """404 in local mode, where there is one owner and no passwords or sign-up."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if settings.COFFEECHAT_MODE != "server":
            raise Http404("Accounts exist on a coffeechat server only.")
        return view(request, *args, **kwargs)

    return guarded


def _site(request: HttpRequest) -> str:
    """This site's address as the visitor reached it, for links in the mail we send."""
    return request.build_absolute_uri("/")


# Joining


@login_not_required
@server_only
@allow("GET", "POST")
def join(request, secret: str):
    try:
        invitation = invitations.invitation_for(secret)
    except invitations.InvitationRejected as error:
        return render(
            request, "coffeechat/account/join_refused.html", {"reason": error}, status=REFUSED
        )
    form = NewPasswordForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            user = invitations.accept(secret, form.cleaned_data["new_password1"])
        except invitations.InvitationRejected as error:
            return render(
                request, "coffeechat/account/join_refused.html", {"reason": error}, status=REFUSED
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            if request.user.is_authenticated:
                logout(request)  # someone else's session in this browser ends here
            login(request, user, backend=PASSWORD_BACKEND)
            messages.success(request, "Welcome to coffeechat. Your account is ready.")
            # Who are you, for the letters you send: asked once, as after any first sign-in.
            return redirect("web:identity")
    context = {"form": form, "invitation": invitation}
    status = INVALID if form.is_bound else 200
    return render(request, "coffeechat/account/join.html", context, status=status)


# The Account page


def _account_page(request, *, password_form=None, status: int = 200) -> HttpResponse:
    context = {
        "password_form": password_form or ChangePasswordForm(),
        "may_invite": invitations.may_invite(request.user),
        "is_coach": preferences_of(request).is_coach,
    }
    return render(request, "coffeechat/account/page.html", context, status=status)


@server_only
@allow("GET")
def account(request):
    return _account_page(request)


@server_only
@allow("POST")
def account_password(request):
    form = ChangePasswordForm(request.POST)
    if form.is_valid():
        try:
            change_password(
                request.user, form.cleaned_data["old_password"], form.cleaned_data["new_password1"]
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            # The new password ends every other session; this one stays signed in.
            update_session_auth_hash(request, request.user)
            messages.success(request, "Your password is changed. Other devices are signed out.")
            return redirect("web:account")
    return _account_page(request, password_form=form, status=INVALID)


@server_only
@allow("POST")
def account_sign_out_everywhere(request):
    sign_out_everywhere(request.user)
    return signed_out(request, "everywhere")


@server_only
@allow("GET", "POST")
def account_delete(request):
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_bound and form.is_valid():
        delete_account(request.user)
        # Signing out ends the session of the user just deleted.
        return signed_out(request, "deleted")
    status = INVALID if form.is_bound else 200
    return render(request, "coffeechat/account/delete.html", {"form": form}, status=status)


# Password reset


@login_not_required
@server_only
@allow("GET", "POST")
def password_forgot(request):
    can_send = invitations.can_send()
    form = ForgotPasswordForm(request.POST if request.method == "POST" and can_send else None)
    if form.is_bound and form.is_valid():
        send_reset_links(form.cleaned_data["email"], _site(request))
        # The same answer whether or not the address has an account.
        context = {"email": form.cleaned_data["email"], "minutes": RESET_LINK_MINUTES}
        return render(request, "coffeechat/account/reset_sent.html", context)
    status = INVALID if form.is_bound else 200
    context = {"form": form, "can_send": can_send}
    return render(request, "coffeechat/account/forgot.html", context, status=status)


@login_not_required
@server_only
@allow("GET", "POST")
def password_reset_confirm(request, uidb64: str, token: str):
    try:
        account_for_link(uidb64, token)
    except ResetLinkRejected as error:
        return render(
            request, "coffeechat/account/reset_refused.html", {"reason": error}, status=REFUSED
        )
    form = NewPasswordForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            reset_password(uidb64, token, form.cleaned_data["new_password1"])
        except ResetLinkRejected as error:
            return render(
                request, "coffeechat/account/reset_refused.html", {"reason": error}, status=REFUSED
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return signed_out(request, "new_password")
    status = INVALID if form.is_bound else 200
    return render(request, "coffeechat/account/reset.html", {"form": form}, status=status)


# Invitations (administrators and coaches)


def _inviter(request) -> None:
    if not invitations.may_invite(request.user):
        raise Http404("Only administrators and coaches invite people.")


def _invitations_page(request, form, *, copy=None, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "open": invitations.open_invitations(request.user),
        "copy": copy,
        "can_send": invitations.can_send(),
        "days": invitations.INVITATION_DAYS,
        "now": timezone.now(),
    }
    return render(request, "coffeechat/account/invitations.html", context, status=status)


def _deliver(request, issued: invitations.Issued, done: str) -> HttpResponse:
    """Email the invitation when the server can; otherwise (or when that fails) show the link."""
    link = request.build_absolute_uri(invitations.join_path(issued.secret))
    if invitations.can_send():
        try:
            invitations.send_invitation(issued.invitation, link)
        except invitations.NotSent as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{done} Sent to {issued.invitation.email}.")
            return redirect("web:invitations")
    # Shown on this answer only: the secret is not kept, so it cannot be shown again later.
    copy = {"email": issued.invitation.email, "link": link}
    return _invitations_page(request, _new_invite_form(request), copy=copy)


def _new_invite_form(request, data=None) -> InviteForm:
    return InviteForm(data, may_invite_coaches=request.user.is_staff)


@server_only
@allow("GET", "POST")
def invitation_list(request):
    _inviter(request)
    form = _new_invite_form(request, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            issued = invitations.invite(
                form.cleaned_data["email"], as_coach=form.as_coach, invited_by=request.user
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return _deliver(request, issued, "Invitation made.")
    return _invitations_page(request, form, status=INVALID if form.is_bound else 200)


@server_only
@allow("POST")
def invitation_resend(request):
    _inviter(request)
    form = InvitationActionForm(request.POST)
    if form.is_valid():
        try:
            issued = invitations.resend(form.cleaned_data["email"], viewer=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return _deliver(request, issued, "A new link replaces the old one.")
    return redirect("web:invitations")


@server_only
@allow("POST")
def invitation_revoke(request):
    _inviter(request)
    form = InvitationActionForm(request.POST)
    if form.is_valid():
        try:
            withdrawn = invitations.revoke(form.cleaned_data["email"], viewer=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"The invitation for {withdrawn.email} is withdrawn.")
    return redirect("web:invitations")
