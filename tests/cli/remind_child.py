"""A child process for the reminder tests, at a moment the test chooses.

``remind_child.py MOMENT seed TOPIC_URL`` fills the home (COFFEECHAT_HOME, or DATABASE_URL) with
one owner who owes several things and pushes to TOPIC_URL; ``remind_child.py MOMENT ARGS...``
runs ``coffeechat ARGS`` with the clock standing at MOMENT. The product has no way to fake its
clock; this lives with the tests.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

import time_machine

PEOPLE = ("Tess Thanks", "Ted Thanks", "Tia Thanks")


def seed(topic_url: str, now: datetime) -> None:
    from coffeechat.cli.bootstrap import ready_with_database

    ready_with_database()
    from coffeechat.services.accounts import ensure_owner
    from coffeechat.services.contacts import ContactDetails, add_contact
    from coffeechat.services.followups import add_follow_up
    from coffeechat.services.reminders import ReminderSettings, update_reminder_settings

    owner = ensure_owner()
    for minutes, name in enumerate(PEOPLE):
        contact = add_contact(owner, ContactDetails(name=name))
        add_follow_up(owner, contact, "thank_you", now + timedelta(hours=2, minutes=minutes))
    update_reminder_settings(owner, ReminderSettings(push_url=topic_url))


def main() -> None:
    moment = datetime.fromisoformat(sys.argv[1])
    with time_machine.travel(moment, tick=False):
        if sys.argv[2] == "seed":
            seed(sys.argv[3], moment)
            return
        from coffeechat.cli.main import main as run

        sys.argv = ["coffeechat", *sys.argv[2:]]
        run()


if __name__ == "__main__":
    main()
