"""``coffeechat serve`` announces its one-time sign-in link and how long it works."""

from __future__ import annotations

from tests.browser.conftest import COFFEECHAT, child_environment, free_port, serving


def test_a_link_that_works_for_one_minute_is_announced_in_the_singular(tmp_path):
    port = free_port()
    command = [COFFEECHAT, "--home", str(tmp_path), "serve", "--no-browser", "--port", str(port)]
    environ = child_environment(tmp_path, None) | {"COFFEECHAT_LOGIN_LINK_MINUTES": "1"}
    with serving(command, environ) as (link, output):
        assert "/signin/" in link
        assert "Open this link to sign in (it works once, for 1 minute):" in "\n".join(output)
