"""The owner of every user-owned row, named once for type annotations.

``settings.AUTH_USER_MODEL`` is Django's own user (coffeechat/settings.py names no other), so
an owner is a ``User``. Services, views and the CLI annotate ``owner: Owner``: should the user
model ever change, this line changes with it.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import User

Owner: TypeAlias = User
