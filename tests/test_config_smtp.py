"""The mail server settings for sending thank-yous: all or nothing, parsed strictly."""

from __future__ import annotations

import pytest

from coffeechat import config
from coffeechat.config import ConfigError, SmtpConfig, load_smtp

BASE = {"COFFEECHAT_SMTP_HOST": "smtp.example.com", "COFFEECHAT_SMTP_FROM": "Sam <sam@example.com>"}


def test_no_smtp_variables_means_sending_is_off():
    assert load_smtp({}) is None


def test_a_host_and_a_sender_are_enough_and_starttls_on_587_is_the_default():
    smtp = load_smtp(BASE)
    assert smtp == SmtpConfig(
        host="smtp.example.com", port=587, from_addr="Sam <sam@example.com>", security="starttls"
    )


@pytest.mark.parametrize(("security", "port"), [("ssl", 465), ("none", 25), ("STARTTLS", 587)])
def test_the_default_port_follows_the_security(security, port):
    smtp = load_smtp({**BASE, "COFFEECHAT_SMTP_SECURITY": security})
    assert smtp is not None and smtp.port == port


def test_user_and_password_are_read_together():
    smtp = load_smtp(
        {**BASE, "COFFEECHAT_SMTP_USER": "sam", "COFFEECHAT_SMTP_PASSWORD": " s3cret "}
    )
    assert smtp is not None and (smtp.user, smtp.password) == ("sam", " s3cret ")
    assert "s3cret" not in repr(smtp)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"COFFEECHAT_SMTP_HOST": ""}, "COFFEECHAT_SMTP_FROM is set but COFFEECHAT_SMTP_HOST"),
        ({"COFFEECHAT_SMTP_FROM": ""}, "COFFEECHAT_SMTP_FROM is not"),
        ({"COFFEECHAT_SMTP_FROM": "not an address"}, "is not an email address"),
        ({"COFFEECHAT_SMTP_PORT": "smtp"}, "not a whole number"),
        ({"COFFEECHAT_SMTP_PORT": "70000"}, "out of range"),
        ({"COFFEECHAT_SMTP_SECURITY": "tls"}, "is not one of: starttls, ssl, none"),
        ({"COFFEECHAT_SMTP_USER": "sam"}, "both COFFEECHAT_SMTP_USER and"),
        ({"COFFEECHAT_SMTP_PASSWORD": "pw"}, "both COFFEECHAT_SMTP_USER and"),
        (
            {
                "COFFEECHAT_SMTP_SECURITY": "none",
                "COFFEECHAT_SMTP_USER": "sam",
                "COFFEECHAT_SMTP_PASSWORD": "pw",
            },
            "unencrypted",
        ),
    ],
)
def test_a_setting_that_cannot_work_is_an_error_naming_it(extra, message):
    with pytest.raises(ConfigError, match=message):
        load_smtp({**BASE, **extra})


def test_a_password_over_plain_smtp_is_allowed_on_this_computer():
    smtp = load_smtp(
        {
            **BASE,
            "COFFEECHAT_SMTP_HOST": "127.0.0.1",
            "COFFEECHAT_SMTP_SECURITY": "none",
            "COFFEECHAT_SMTP_USER": "sam",
            "COFFEECHAT_SMTP_PASSWORD": "pw",
        }
    )
    assert smtp is not None and smtp.security == "none"


def test_the_whole_configuration_carries_the_mail_server(tmp_path):
    loaded = config.load({"COFFEECHAT_HOME": str(tmp_path), **BASE})
    assert loaded.smtp is not None and loaded.smtp.host == "smtp.example.com"
    assert config.load({"COFFEECHAT_HOME": str(tmp_path)}).smtp is None
