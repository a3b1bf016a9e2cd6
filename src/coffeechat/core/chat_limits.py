"""How long a chat, its buffer, its cues and its extensions may be, in minutes.

The one place these numbers live. The services refuse anything outside them, the forms give
them to the browser as each box's min and max (so the page says the same before posting), the
store bounds its look-up for overlapping chats with them, and every message that names a limit
reads it from here.
"""

from __future__ import annotations

from datetime import timedelta

SHORTEST_CHAT = 5  # a hello and a goodbye
LONGEST_CHAT = 240  # longer is a workshop, not a chat
LONGEST_BUFFER = 240  # the time kept free after a chat
LONGEST_WRAPUP = 60  # how long before the end the wrap-up cue may come
LONGEST_EXTENSION = 60  # minutes added by one tap ("+N min"), and the preference for it
LONGEST_OVERRUN = 240  # minutes of extension in all; beyond that, end it and plan another
LONGEST_FELT = 600  # how long a chat may be said to have felt

# The longest a chat plus its buffer may last, so a look-up for chats reaching into a window
# only scans that far back.
LONGEST_BUFFERED_CHAT = timedelta(minutes=LONGEST_CHAT + LONGEST_BUFFER)
# The longest a held chat may have lasted: the longest agreed, run over as far as allowed.
LONGEST_HELD = timedelta(minutes=LONGEST_CHAT + LONGEST_OVERRUN)
