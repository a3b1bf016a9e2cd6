"""Every page of the web app. Objects are named by their public UUID code, never a row number."""

from __future__ import annotations

from django.urls import path

from coffeechat.web.views import auth, chats, contacts, home, organisations, preferences

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
    path("signin/", auth.sign_in, name="sign_in"),
    path("signin/<str:secret>/", auth.redeem, name="redeem"),
    path("signout/", auth.sign_out, name="sign_out"),
    path("contacts/", contacts.contact_list, name="contacts"),
    path("contacts/new/", contacts.contact_new, name="contact_new"),
    path("contacts/<uuid:code>/", contacts.contact_detail, name="contact"),
    path("contacts/<uuid:code>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<uuid:code>/delete/", contacts.contact_delete, name="contact_delete"),
    path("contacts/<uuid:code>/notes/", contacts.contact_note, name="contact_note"),
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
]
