"""Every page of the web app. Objects are named by their public UUID code, never a row number."""

from __future__ import annotations

from django.urls import path, re_path

from coffeechat.web.views import (
    account,
    auth,
    brief,
    calendar,
    chats,
    coaching,
    contacts,
    debrief,
    exports,
    followups,
    funnel,
    health,
    home,
    identity,
    imports,
    library,
    live,
    merge,
    network,
    nextsteps,
    organisations,
    outreach,
    outreach_timers,
    owed,
    phone,
    preferences,
    prep,
    pwa,
    reflection,
    reminders,
    scripts,
    search,
    snooze,
    targets,
    trainer,
)

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
    # For the proxy and monitors, no sign-in: the process answers, and it is ready to serve.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("signin/", auth.sign_in, name="sign_in"),
    path("signin/<str:secret>/", auth.redeem, name="redeem"),
    path("signout/", auth.sign_out, name="sign_out"),
    # Accounts on a server (404 in local mode): joining by invitation, the Account page,
    # resetting a forgotten password, and the invitations of administrators and coaches.
    path("join/<str:secret>/", account.join, name="join"),
    path("account/", account.account, name="account"),
    path("account/password/", account.account_password, name="account_password"),
    path(
        "account/sign-out-everywhere/",
        account.account_sign_out_everywhere,
        name="account_sign_out_everywhere",
    ),
    path("account/delete/", account.account_delete, name="account_delete"),
    path("password-reset/", account.password_forgot, name="password_forgot"),
    path(
        "password-reset/<str:uidb64>/<str:token>/",
        account.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("invitations/", account.invitation_list, name="invitations"),
    path("invitations/resend/", account.invitation_resend, name="invitation_resend"),
    path("invitations/revoke/", account.invitation_revoke, name="invitation_revoke"),
    # Use on my phone: LAN access, the pairing link (opened by the phone) and paired phones.
    path("phone/", phone.phone, name="phone"),
    path("phone/on/", phone.phone_on, name="phone_on"),
    path("phone/off/", phone.phone_off, name="phone_off"),
    path("phone/devices/<uuid:code>/sign-out/", phone.device_sign_out, name="device_sign_out"),
    path("pair/<str:secret>/", phone.pair_phone, name="pair"),
    path("contacts/", contacts.contact_list, name="contacts"),
    path("contacts/new/", contacts.contact_new, name="contact_new"),
    path("contacts/<uuid:code>/", contacts.contact_detail, name="contact"),
    path("contacts/<uuid:code>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<uuid:code>/delete/", contacts.contact_delete, name="contact_delete"),
    path("contacts/<uuid:code>/notes/", contacts.contact_note, name="contact_note"),
    path("contacts/<uuid:code>/merge/", merge.contact_merge_pick, name="contact_merge_pick"),
    path("contacts/<uuid:code>/merge/<uuid:other>/", merge.contact_merge, name="contact_merge"),
    path("organisations/", organisations.organisation_list, name="organisations"),
    path("organisations/<uuid:code>/", organisations.organisation_detail, name="organisation"),
    path(
        "organisations/<uuid:code>/edit/",
        organisations.organisation_edit,
        name="organisation_edit",
    ),
    path("chats/", chats.chat_list, name="chats"),
    path("chats/new/", chats.chat_new, name="chat_new"),
    path("chats/<uuid:code>/", chats.chat_detail, name="chat"),
    path("chats/<uuid:code>/edit/", chats.chat_edit, name="chat_edit"),
    path("chats/<uuid:code>/cancel/", chats.chat_cancel, name="chat_cancel"),
    path("chats/<uuid:code>/notes/", chats.chat_note, name="chat_note"),
    path("preferences/", preferences.preferences, name="preferences"),
    # Reminders by email and push, a test of each, and the record of what was sent.
    path("preferences/reminders/", reminders.reminders, name="reminders"),
    path("preferences/reminders/test/", reminders.reminders_test, name="reminders_test"),
    # Who the user is, asked once after the first sign-in (see views.auth).
    path("you/", identity.identity, name="identity"),
    # The live chat page: actions are plain form posts; state.json is polled by live.js.
    path("chats/<uuid:code>/live/", live.live_page, name="live"),
    path("chats/<uuid:code>/live/state.json", live.live_state_json, name="live_state"),
    path("chats/<uuid:code>/live/start/", live.live_start, name="live_start"),
    path("chats/<uuid:code>/live/extend/", live.live_extend, name="live_extend"),
    path("chats/<uuid:code>/live/wrap/", live.live_wrap, name="live_wrap"),
    path("chats/<uuid:code>/live/end/", live.live_end, name="live_end"),
    path("chats/<uuid:code>/live/felt/", live.live_felt, name="live_felt"),
    path("chats/<uuid:code>/live/notes/", live.live_note, name="live_note"),
    path("chats/<uuid:code>/live/capture/", live.live_capture, name="live_capture"),
    # What the live page kept while offline, sent once the connection is back (live.js).
    path("chats/<uuid:code>/live/sync/", live.live_sync, name="live_sync"),
    path("preferences/scripts/", scripts.scripts, name="scripts"),
    # Calendars: busy time in, free slots, chats out (.ics per chat and a private feed).
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/import/", calendar.calendar_upload, name="calendar_upload"),
    path("calendar/feeds/", calendar.calendar_feed_add, name="calendar_feed_add"),
    path(
        "calendar/sources/<uuid:code>/fetch/",
        calendar.calendar_source_fetch,
        name="calendar_source_fetch",
    ),
    path(
        "calendar/sources/<uuid:code>/all-day/",
        calendar.calendar_source_all_day,
        name="calendar_source_all_day",
    ),
    path(
        "calendar/sources/<uuid:code>/delete/",
        calendar.calendar_source_delete,
        name="calendar_source_delete",
    ),
    path("calendar/token/", calendar.calendar_token, name="calendar_token"),
    re_path(r"^calendar/feed/(?P<token>[^/]+)\.ics$", calendar.calendar_feed, name="calendar_feed"),
    path(
        "calendar/feed/<str:token>/chats/<uuid:code>.ics",
        calendar.calendar_feed_chat,
        name="calendar_feed_chat",
    ),
    path("chats/<uuid:code>/calendar.ics", calendar.chat_ics, name="chat_ics"),
    # Keeping time: the internal-clock trainer and reflection on held chats.
    path("trainer/", trainer.trainer, name="trainer"),
    path("trainer/start/", trainer.trial_start, name="trial_start"),
    path("trainer/<uuid:code>/", trainer.trial, name="trial"),
    path("trainer/<uuid:code>/stop/", trainer.trial_stop, name="trial_stop"),
    path("reflection/", reflection.reflection, name="reflection"),
    # Preparing a chat, and its printable one-page brief.
    path("chats/<uuid:code>/prep/", prep.prep, name="prep"),
    path("chats/<uuid:code>/brief/", brief.brief, name="brief"),
    # The library: pitch and success stories, told in every chat.
    path("library/", library.library, name="library"),
    path("library/pitch/<str:kind>/", library.pitch_save, name="pitch_save"),
    path("library/stories/new/", library.story_new, name="story_new"),
    path("library/stories/<uuid:code>/edit/", library.story_edit, name="story_edit"),
    path("library/stories/<uuid:code>/delete/", library.story_delete, name="story_delete"),
    # The network: degrees, chains, reach, referral yield and credit, with a picture.
    path("network/", network.network, name="network"),
    path("network/opportunities/", network.opportunities, name="network_opportunities"),
    # Who do I owe (the home page): snoozes, and a keep-in-touch reminder turned into a message.
    # A whole section of it ("All 77 thank-yous"), 50 a page.
    path("owed/<slug:section>/", owed.owed_section, name="owed_section"),
    path("follow-ups/<uuid:code>/snooze/", owed.follow_up_snooze, name="follow_up_snooze"),
    path(
        "contacts/<uuid:code>/snooze-reminders/",
        owed.contact_snooze_reminders,
        name="contact_snooze_reminders",
    ),
    path(
        "contacts/<uuid:code>/keep-in-touch/",
        owed.contact_keep_in_touch,
        name="contact_keep_in_touch",
    ),
    # A reminder's one-click "snooze a day": opens without signing in (views.snooze).
    path("r/snooze/<str:token>/", snooze.snooze_link, name="snooze_link"),
    # After the chat: its debrief, and the next steps promised in it.
    path("chats/<uuid:code>/debrief/", debrief.debrief, name="debrief"),
    path("next-steps/", nextsteps.next_steps, name="next_steps"),
    path("next-steps/<uuid:code>/done/", nextsteps.step_done, name="step_done"),
    path("next-steps/<uuid:code>/undo/", nextsteps.step_undo, name="step_undo"),
    path("next-steps/<uuid:code>/due/", nextsteps.step_due, name="step_due"),
    # The message composer (the thank-you above all), its .eml, and the thank-you template.
    path("follow-ups/<uuid:code>/", followups.follow_up, name="follow_up"),
    path("follow-ups/<uuid:code>/message.eml", followups.follow_up_eml, name="follow_up_eml"),
    path("preferences/messages/", followups.message_templates, name="message_templates"),
    # Export: the user's data as downloads, the same files as `coffeechat export`.
    path("export/", exports.export_page, name="export"),
    path("export/coffeechat.json", exports.export_json, name="export_json"),
    path("export/contacts.csv", exports.export_csv, name="export_csv"),
    path("export/contacts.vcf", exports.export_vcard, name="export_vcard"),
    path("export/chats.ics", exports.export_ics, name="export_ics"),
    # Import: upload a file, check the preview, confirm it; undo it later.
    path("import/", imports.import_page, name="imports"),
    path("import/upload/", imports.import_upload, name="import_upload"),
    path("import/<uuid:code>/", imports.import_batch, name="import_batch"),
    path("import/<uuid:code>/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/<uuid:code>/discard/", imports.import_discard, name="import_discard"),
    path("import/<uuid:code>/undo/", imports.import_undo, name="import_undo"),
    # Search: contacts, organisations and notes, from the box in every page's header.
    path("search/", search.search_page, name="search"),
    # Landing conversations: target organisations, requests for a chat and their timers, funnel.
    path("targets/", targets.target_board, name="targets"),
    path("targets/add/", targets.target_add, name="target_add"),
    path("targets/bulk/", targets.targets_bulk, name="targets_bulk"),
    path("organisations/<uuid:code>/target/", targets.target_edit, name="target_edit"),
    path("outreach/", outreach.outreach_list, name="outreach"),
    path("outreach/new/", outreach.outreach_new, name="outreach_new"),
    path("outreach/<uuid:code>/", outreach.outreach_detail, name="outreach_detail"),
    path("outreach/<uuid:code>/message.eml", outreach.outreach_eml, name="outreach_eml"),
    path("outreach/<uuid:code>/reply/", outreach.outreach_reply, name="outreach_reply"),
    path("outreach/<uuid:code>/nudge/", outreach_timers.outreach_nudge, name="outreach_nudge"),
    path(
        "outreach/<uuid:code>/move-on/", outreach_timers.outreach_move_on, name="outreach_move_on"
    ),
    path("preferences/outreach/", outreach.outreach_settings, name="outreach_settings"),
    path("funnel/", funnel.funnel, name="funnel"),
    # The installable app (server mode): manifest, service worker, and what it keeps offline.
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("offline/pages.json", pwa.offline_pages, name="offline_pages"),
    # Coaches with consent (server mode; 404 on a laptop). The student's side: the Coaches page,
    # revoking a coach, sharing a chat's notes. The coach's side: students, named by a key made
    # from the account (services.coaching.person_key), and the chats they shared.
    path("preferences/coaches/", coaching.coaches, name="coaches"),
    path("preferences/coaches/<uuid:coach>/revoke/", coaching.coach_revoke, name="coach_revoke"),
    path("chats/<uuid:code>/share/", coaching.chat_share, name="chat_share"),
    path("students/", coaching.students, name="students"),
    path("students/<uuid:student>/", coaching.student, name="student"),
    path("students/<uuid:student>/chats/<uuid:code>/", coaching.student_chat, name="student_chat"),
]
