"""Use on my phone: LAN access for paired phones (local mode), pairing, and the paired phones.

The page turns LAN access on and off (services.lan), shows a fresh one-time pairing link as a QR
code while it is on, and lists the paired phones with when each was last seen and a Sign out
button. The pairing link itself opens only on the LAN address: it is for the phone, and a phone
is what gets the device session it makes.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from coffeechat.core.qr import qr_svg
from coffeechat.services.devices import (
    DEVICE_SESSION_DAYS,
    pair,
    paired_devices,
    pairing_secret,
    sign_out_device,
)
from coffeechat.services.errors import LoginLinkRejected
from coffeechat.services.lan import (
    LAN_MARK,
    LanRefused,
    lan_status,
    network_addresses,
    turn_off,
    turn_on,
)
from coffeechat.web.middleware import DEVICE_SESSION_KEY
from coffeechat.web.phone_forms import LanForm
from coffeechat.web.shortcuts import INVALID, allow
from coffeechat.web.views.auth import LINK_BACKEND, onward

DAY_SECONDS = 24 * 60 * 60


def _page(request, form: LanForm | None = None, *, status: int = 200):
    lan = lan_status()
    context: dict = {
        "lan": lan,
        "server_mode": settings.COFFEECHAT_MODE == "server",
        "devices": paired_devices(request.user),
        "link_minutes": settings.COFFEECHAT_LOGIN_LINK_MINUTES,
    }
    if lan.on:
        # A fresh link each time the page is shown: it works once, so a reload is a new code.
        link = lan.base_url + reverse("web:pair", args=[pairing_secret(request.user)])
        context["pairing_link"] = link
        context["pairing_code"] = mark_safe(qr_svg(link, title="QR code: pair your phone"))
    elif lan.available:
        context["form"] = form or LanForm(found=network_addresses())
    return render(request, "coffeechat/phone/page.html", context, status=status)


@allow("GET")
def phone(request):
    return _page(request)


@allow("POST")
def phone_on(request):
    form = LanForm(request.POST, found=network_addresses())
    if form.is_valid():
        try:
            turn_on(request.user, form.chosen())
        except LanRefused as error:
            form.add_error(form.field_of(), error.message)
        else:
            messages.success(request, "LAN access is on: scan the code with your phone.")
            return redirect("web:phone")
    return _page(request, form, status=INVALID)


@allow("POST")
def phone_off(request):
    turn_off(request.user)
    messages.success(request, "LAN access is off. Your phones stay paired for next time.")
    return redirect("web:phone")


@allow("POST")
def device_sign_out(request, code):
    device = sign_out_device(request.user, code)
    if device is None:
        raise Http404("No such phone.")
    messages.success(request, f"Signed out {device.name}. It can pair again with a new code.")
    return redirect("web:preferences" if request.POST.get("back") == "preferences" else "web:phone")


@login_not_required
@allow("GET")
def pair_phone(request, secret: str):
    """Spend a pairing link on the LAN address: this browser becomes a paired phone."""
    if not request.META.get(LAN_MARK):
        # On this computer's own address the link would pair the laptop's browser with itself.
        context: dict[str, object] = {
            "reason": "Open this link on your phone: scan the code with its camera."
        }
        return render(request, "coffeechat/phone/pair_refused.html", context, status=403)
    try:
        device = pair(secret, request.headers.get("User-Agent", ""))
    except LoginLinkRejected as error:
        context = {"reason": error.message, "link_minutes": settings.COFFEECHAT_LOGIN_LINK_MINUTES}
        return render(request, "coffeechat/phone/pair_refused.html", context, status=403)
    login(request, device.owner, backend=LINK_BACKEND)
    request.session[DEVICE_SESSION_KEY] = str(device.code)
    request.session.set_expiry(DEVICE_SESSION_DAYS * DAY_SECONDS)
    messages.success(request, f"This phone is paired as {device.name}.")
    return onward(request)
