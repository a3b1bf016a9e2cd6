from __future__ import annotations

from coffeechat.core.compose import PLACEHOLDERS
from coffeechat.services.messages import get_template
from tests.web.conftest import text_of

URL = "/preferences/messages/"


def test_every_placeholder_is_listed_beside_the_editor(alice_client):
    page = text_of(alice_client.get(URL))
    assert 'class="callout template-editor__placeholders"' in page
    for name in PLACEHOLDERS:
        assert f"<code>{{{name}}}</code>" in page
    assert "{what_stuck}" in page and "{agreed}" in page and "{signature}" in page


def test_a_template_using_the_new_placeholders_is_kept(alice_client, alice):
    body = "Dear {first_name},\n{what_stuck}\n{agreed}\n{suggested}\nWarmly,\n{signature}"
    response = alice_client.post(URL, {"subject": "Thanks, {first_name}", "body": body})
    assert response.status_code == 302
    assert get_template(alice, "thank_you").body == body


def test_a_template_from_before_the_new_placeholders_still_saves(alice_client, alice):
    body = "Hi {first_name},\nOne thing I keep coming back to: {memorable}\n{next_steps}\n{my_name}"
    response = alice_client.post(URL, {"subject": "Thanks", "body": body})
    assert response.status_code == 302
    assert get_template(alice, "thank_you").body == body
