"""What only a production server reads: where gunicorn listens, its workers, the static root."""

from __future__ import annotations

from pathlib import Path

import pytest

from coffeechat.config import ConfigError
from coffeechat.server_config import DEFAULT_BIND, MAX_WORKERS, bind, static_root, workers


@pytest.mark.parametrize(
    "value",
    ["127.0.0.1:8000", "0.0.0.0:80", "[::1]:8000", "app.internal:8001", "unix:/run/cc/g.sock"],
)
def test_an_address_to_listen_on_is_taken_as_written(value):
    assert bind({"COFFEECHAT_BIND": value}) == value


def test_gunicorn_listens_on_this_computer_only_unless_told():
    assert bind({}) == DEFAULT_BIND == "127.0.0.1:8000"


@pytest.mark.parametrize("value", ["8000", "localhost", "127.0.0.1:0", "1.2.3.4:99999", "unix:g"])
def test_an_address_that_cannot_be_listened_on_is_an_error_naming_the_variable(value):
    with pytest.raises(ConfigError, match="COFFEECHAT_BIND="):
        bind({"COFFEECHAT_BIND": value})


def test_one_worker_per_processor_and_one_more_by_default():
    assert workers({}, cpus=1) == 2
    assert workers({}, cpus=4) == 5
    assert workers({}, cpus=500) == MAX_WORKERS


def test_the_workers_can_be_set_and_are_checked():
    assert workers({"COFFEECHAT_WORKERS": "3"}, cpus=8) == 3
    with pytest.raises(ConfigError, match="COFFEECHAT_WORKERS=0 is out of range"):
        workers({"COFFEECHAT_WORKERS": "0"})
    with pytest.raises(ConfigError, match="not a whole number"):
        workers({"COFFEECHAT_WORKERS": "many"})


def test_static_files_come_from_the_package_until_a_root_is_set():
    assert static_root("server", {}) is None
    assert static_root("local", {}) is None


def test_a_static_root_is_an_absolute_directory_of_server_mode():
    root = static_root("server", {"COFFEECHAT_STATIC_ROOT": "/var/lib/coffeechat/static"})
    assert root == Path("/var/lib/coffeechat/static")
    with pytest.raises(ConfigError, match="not an absolute path"):
        static_root("server", {"COFFEECHAT_STATIC_ROOT": "static"})
    with pytest.raises(ConfigError, match="applies to server mode only"):
        static_root("local", {"COFFEECHAT_STATIC_ROOT": "/srv/static"})
