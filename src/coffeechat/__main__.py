from __future__ import annotations

from coffeechat.cli.launch import main

main()
