"""Settings for the test run: a throwaway home and a fast password hasher."""

from __future__ import annotations

import os
import tempfile

# Before coffeechat.settings reads the environment: never touch the developer's real home.
os.environ["COFFEECHAT_HOME"] = tempfile.mkdtemp(prefix="coffeechat-test-home-")
os.environ.pop("COFFEECHAT_MODE", None)

from coffeechat.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
