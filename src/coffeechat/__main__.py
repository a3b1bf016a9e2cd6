from __future__ import annotations

from coffeechat.cli.main import main

main()
