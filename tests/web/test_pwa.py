"""Server mode's installable app: manifest, icons, service worker, and what it keeps offline."""

from __future__ import annotations

import json
import math
import re
import struct
import zlib
from datetime import timedelta
from pathlib import Path

import pytest

from coffeechat.services.chats import cancel_chat
from coffeechat.web import icons
from coffeechat.web.views.pwa import BACKGROUND_COLOUR, THEME_COLOUR
from tests.web.conftest import NOW, make_chat, make_contact, text_of

STATIC = Path(icons.__file__).resolve().parent / "static"
# The address may carry the file's version (local mode's storage, web/static_files.py).
REGISTRATION = re.compile(
    r'<script src="/static/coffeechat/pwa\.js(\?v=[0-9a-f]{12})?" data-worker="/sw\.js" '
    r'data-home="/" defer></script>'
)


@pytest.fixture
def server_mode(settings):
    settings.COFFEECHAT_MODE = "server"


def policy_of(response) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return dict(part for part in parts if len(part) == 2)


def test_the_manifest_describes_a_standalone_app_opening_on_today(client, db):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == manifest["short_name"] == "coffeechat"
    assert manifest["start_url"] == manifest["scope"] == manifest["id"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == THEME_COLOUR
    assert manifest["background_color"] == BACKGROUND_COLOUR


def test_the_manifest_colours_are_the_stylesheets():
    stylesheet = (STATIC / "coffeechat" / "app.css").read_text(encoding="utf-8")
    assert f"--accent: {THEME_COLOUR};" in stylesheet
    assert f"--paper: {BACKGROUND_COLOUR};" in stylesheet
    assert (icons.TEAL, icons.CREAM) == (THEME_COLOUR, BACKGROUND_COLOUR)


def test_every_icon_of_the_manifest_is_served_at_its_size(client, db):
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    purposes = {icon["purpose"] for icon in manifest["icons"]}
    assert purposes == {"any", "maskable"}
    for icon in manifest["icons"]:
        path = STATIC / icon["src"].removeprefix("/static/").partition("?")[0]
        assert path.is_file(), icon["src"]
        if icon["type"] == "image/png":
            width, height = struct.unpack(">II", path.read_bytes()[16:24])
            assert icon["sizes"] == f"{width}x{height}"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}


def test_the_committed_svg_icon_is_the_one_the_shapes_draw():
    committed = (STATIC / "coffeechat" / "icons" / "app.svg").read_text(encoding="utf-8")
    assert committed == icons.svg(), "run `python -m coffeechat.web.icons` and commit the icons"


def test_the_committed_png_icon_is_the_one_the_shapes_paint():
    committed = (STATIC / "coffeechat" / "icons" / "app-192.png").read_bytes()
    assert committed == icons.png(192), "run `python -m coffeechat.web.icons` and commit the icons"


def pixels(painted: bytes, size: int) -> list[list[tuple[int, ...]]]:
    """The RGBA pixels of a PNG that icons.png wrote (one IDAT chunk, no row filters)."""
    length = struct.unpack(">I", painted[33:37])[0]
    raw = zlib.decompress(painted[41 : 41 + length])
    stride = 1 + 4 * size
    rows = [raw[row * stride + 1 : (row + 1) * stride] for row in range(size)]
    return [[tuple(row[i : i + 4]) for i in range(0, len(row), 4)] for row in rows]


def test_the_maskable_icon_keeps_its_picture_inside_the_circle_a_launcher_may_cut():
    size = 64
    teal = (*bytes.fromhex(icons.TEAL[1:]), 255)
    painted = pixels(icons.png(size, maskable=True), size)
    centre, safe = size / 2, 0.4 * size
    for y, row in enumerate(painted):
        for x, pixel in enumerate(row):
            if math.hypot(x + 0.5 - centre, y + 0.5 - centre) > safe:
                assert pixel == teal, (x, y)
    assert painted[0][0] == teal  # the background fills the square, corners too


def test_the_service_worker_is_javascript_from_the_root_and_never_cached(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-store" in response["Cache-Control"]
    worker = text_of(response)
    # Its own URLs come from the URL configuration, not from copies of them.
    for path in ('"/offline/pages.json"', '"/offline/"', '"/signout/"', '"/static/"'):
        assert path in worker
    assert "{%" not in worker
    assert "localStorage." not in worker, "the live page keeps unsent notes there"


def test_the_policy_allows_the_manifest_and_the_worker_from_this_site_only(
    alice_client, server_mode
):
    policy = policy_of(alice_client.get("/"))
    assert policy["manifest-src"] == "'self'"
    assert policy["worker-src"] == "'self'"


def test_pages_in_server_mode_register_the_worker_and_name_the_manifest(
    alice_client, client, server_mode
):
    for page in (alice_client.get("/"), client.get("/signin/")):
        body = text_of(page)
        assert REGISTRATION.search(body)
        assert '<link rel="manifest" href="/manifest.webmanifest">' in body
        assert f'<meta name="theme-color" content="{THEME_COLOUR}">' in body


def test_pages_in_local_mode_have_no_worker_and_no_manifest(alice_client):
    body = text_of(alice_client.get("/"))
    assert "pwa.js" not in body
    assert 'rel="manifest"' not in body
    assert f'<meta name="theme-color" content="{THEME_COLOUR}">' in body


def test_the_worker_keeps_the_home_page_and_todays_chats_live_and_brief(alice, alice_client):
    ada = make_chat(alice, make_contact(alice), NOW + timedelta(hours=1))
    bea = make_chat(alice, make_contact(alice, "Bea Smith"), NOW + timedelta(hours=3))
    cancelled = make_chat(alice, make_contact(alice, "Cy Jones"), NOW + timedelta(hours=5))
    cancel_chat(alice, cancelled)
    make_chat(alice, make_contact(alice, "Dee Ray"), NOW + timedelta(days=1))
    response = alice_client.get("/offline/pages.json")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content)["pages"] == [
        "/",
        "/offline/",
        f"/chats/{ada.code}/live/",
        f"/chats/{ada.code}/brief/",
        f"/chats/{bea.code}/live/",
        f"/chats/{bea.code}/brief/",
    ]


def test_only_the_owners_chats_are_kept(alice, bob_client):
    make_chat(alice, make_contact(alice), NOW + timedelta(hours=1))
    assert json.loads(bob_client.get("/offline/pages.json").content)["pages"] == ["/", "/offline/"]


def test_a_visitor_gets_no_list_of_pages_to_keep(client, db):
    response = client.get("/offline/pages.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")


def test_the_offline_page_says_the_page_was_not_kept_and_leads_to_today(alice_client):
    response = alice_client.get("/offline/")
    assert response.status_code == 200
    assert "This page was not kept on this device" in text_of(response)
    assert 'href="/"' in text_of(response)


@pytest.mark.parametrize("url", ["/manifest.webmanifest", "/sw.js", "/offline/pages.json"])
def test_the_apps_files_answer_only_get(alice_client, url):
    assert alice_client.post(url).status_code == 405
