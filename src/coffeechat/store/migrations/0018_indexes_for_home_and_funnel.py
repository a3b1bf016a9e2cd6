"""Indexes for the home page's keep-in-touch query and the funnel (issue 18, point 1).

Schema only: nothing here reads or writes rows, so nothing needs freezing.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coffeechat", "0017_database_guards_the_rules"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["owner", "keep_in_touch_days"], name="contact_cadence"),
        ),
        migrations.AddIndex(
            model_name="outreach",
            index=models.Index(
                fields=["contact", "sent_at", "replied_at"], name="outreach_contact_sent"
            ),
        ),
        migrations.AddIndex(
            model_name="chat",
            index=models.Index(
                fields=["contact", "status", "starts_at", "outreach"], name="chat_contact_held"
            ),
        ),
    ]
