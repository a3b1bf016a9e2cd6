from __future__ import annotations

app_name = "web"
urlpatterns: list = []
