"""Settings for mypy's Django plugin (pyproject.toml, [tool.django-stubs]).

The plugin imports the settings and runs django.setup() to learn the models; it never opens a
connection. The app's settings read the environment, so this clears what could change them (a
DATABASE_URL, server mode, a mail server) and gives them a home of their own in mypy's cache
(not a temporary directory: mypy leaves without running exit handlers, so it would pile up). So
the types are the same on every machine and a check needs no database server.
"""

from __future__ import annotations

import os
from pathlib import Path

for name in list(os.environ):
    if name.startswith("COFFEECHAT_") or name == "DATABASE_URL":
        del os.environ[name]
# mypy runs from the checkout (the plugin finds this module on the current directory).
os.environ["COFFEECHAT_HOME"] = str(Path.cwd() / ".mypy_cache" / "coffeechat-home")

from coffeechat.settings import *  # noqa: E402,F403
