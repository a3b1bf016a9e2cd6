"""The clock trainer: choose a length, a running round without a clock, the reveal, the history."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from coffeechat.services.trainer import record_clock_trial, start_trial
from coffeechat.store.models import ClockTrial
from tests.web.conftest import NOW, count_queries, text_of


def main_of(response) -> str:
    """The content of the page's <main>, where a clock would show, less the form's CSRF token."""
    main = text_of(response).split('<main id="main"', 1)[1].split(">", 1)[1]
    main = main.split("</main>", 1)[0]
    return re.sub(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">', "", main)


def test_the_trainer_offers_the_usual_lengths_and_a_custom_one(alice_client):
    page = text_of(alice_client.get("/trainer/"))
    for minutes in (1, 5, 10, 15, 20):
        assert f'name="minutes" value="{minutes}"' in page
        assert f">{minutes} min</button>" in page
    assert "Other length (minutes)" in page
    assert 'action="/trainer/start/"' in page
    assert "No rounds yet" in page


def test_a_preset_starts_a_round_on_the_servers_clock(alice, alice_client):
    response = alice_client.post("/trainer/start/", {"minutes": "10"})
    trial = ClockTrial.objects.get(owner=alice)
    assert response["Location"] == f"/trainer/{trial.code}/"
    assert (trial.target_seconds, trial.started_at, trial.elapsed_seconds) == (600, NOW, None)


def test_a_custom_length_may_have_decimals(alice, alice_client):
    alice_client.post("/trainer/start/", {"minutes": "2.5"})
    assert ClockTrial.objects.get(owner=alice).target_seconds == 150


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("0.1", "between 10 seconds and 60 minutes"),
        ("61", "between 10 seconds and 60 minutes"),
        ("soon", "Enter a number of minutes"),
        ("", "Enter how many minutes"),
    ],
)
def test_a_length_that_cannot_be_is_refused_with_a_reason(alice, alice_client, minutes, message):
    response = alice_client.post("/trainer/start/", {"minutes": minutes})
    assert response.status_code == 400
    assert message in text_of(response)
    assert not ClockTrial.objects.exists()


def test_a_running_round_shows_no_clock_only_the_target_and_a_stop_button(alice, alice_client):
    trial = start_trial(alice, 600)
    response = alice_client.get(f"/trainer/{trial.code}/")
    main = main_of(response)
    assert "Stop when it feels like 10 minutes" in main
    assert f'<form method="post" action="/trainer/{trial.code}/stop/">' in main
    assert ">Stop</button>" in main
    # No number on the page but the target: no start time, no elapsed time, no timestamp.
    main = main.replace(str(trial.code), "")
    assert re.findall(r"\d+", re.sub(r"<[^>]*>", " ", main)) == ["10"]
    assert not re.findall(r'="[^"]*\d[^"]*"', main)  # nor in any attribute
    page = text_of(response)
    assert not re.search(r"\d:\d\d", page)
    assert "<script" not in page
    assert "datetime=" not in page


def test_stopping_reveals_felt_against_real(alice, alice_client, time_machine):
    trial = start_trial(alice, 600)
    time_machine.move_to(NOW + timedelta(minutes=10, seconds=48), tick=False)
    response = alice_client.post(f"/trainer/{trial.code}/stop/")
    assert response["Location"] == f"/trainer/{trial.code}/"
    page = text_of(alice_client.get(f"/trainer/{trial.code}/"))
    assert "<dt>Felt</dt><dd>10 minutes</dd>" in page
    assert "<dt>Real</dt><dd>10 min 48 s</dd>" in page
    assert "48 seconds late (8%)" in page
    assert 'name="minutes" value="10.00"' in page


def test_stopping_twice_keeps_the_first_stop_and_says_so(alice, alice_client, time_machine):
    trial = start_trial(alice, 60)
    time_machine.move_to(NOW + timedelta(seconds=55), tick=False)
    alice_client.post(f"/trainer/{trial.code}/stop/")
    time_machine.move_to(NOW + timedelta(seconds=90), tick=False)
    response = alice_client.post(f"/trainer/{trial.code}/stop/", follow=True)
    assert "You already stopped this round" in text_of(response)
    trial.refresh_from_db()
    assert trial.elapsed_seconds == 55


def test_a_round_left_running_for_hours_goes_back_to_the_trainer(alice, alice_client, time_machine):
    trial = start_trial(alice, 60)
    time_machine.move_to(NOW + timedelta(hours=4), tick=False)
    response = alice_client.post(f"/trainer/{trial.code}/stop/", follow=True)
    assert response.redirect_chain[-1][0] == "/trainer/"
    assert "more than three hours" in text_of(response)
    assert "You left a round of 1 minute running" in text_of(response)


def test_the_history_lists_rounds_newest_first_with_a_trend_picture(alice, alice_client):
    record_clock_trial(alice, 300, NOW - timedelta(days=3), 348)
    record_clock_trial(alice, 600, NOW - timedelta(days=1), 525)
    page = text_of(alice_client.get("/trainer/"))
    table = page.split("<table", 1)[1]
    assert table.index("1 min 15 s early (12%)") < table.index("48 seconds late (16%)")
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert '<title id="trainer-chart-title">' in page


# Owner isolation and methods.


@pytest.mark.parametrize("suffix", ["", "stop/"])
def test_another_users_round_is_not_found(alice, bob_client, suffix):
    trial = start_trial(alice, 60)
    method = bob_client.post if suffix else bob_client.get
    assert method(f"/trainer/{trial.code}/{suffix}").status_code == 404
    trial.refresh_from_db()
    assert trial.elapsed_seconds is None


def test_an_unknown_round_is_not_found(alice_client):
    assert alice_client.get(f"/trainer/{uuid.uuid4()}/").status_code == 404


def test_another_users_rounds_stay_out_of_the_history(bob, alice_client):
    record_clock_trial(bob, 300, NOW - timedelta(days=1), 999)
    page = text_of(alice_client.get("/trainer/"))
    assert "No rounds yet" in page


def test_trainer_pages_refuse_other_methods(alice, alice_client):
    trial = start_trial(alice, 60)
    assert alice_client.post("/trainer/").status_code == 405
    assert alice_client.get("/trainer/start/").status_code == 405
    assert alice_client.post(f"/trainer/{trial.code}/").status_code == 405
    assert alice_client.get(f"/trainer/{trial.code}/stop/").status_code == 405


def test_the_trainer_runs_as_many_queries_for_20_rounds_as_for_2(alice, alice_client):
    def add(count: int, start: int) -> None:
        for day in range(start, start + count):
            record_clock_trial(alice, 300, NOW - timedelta(days=day), 280 + day)

    add(2, 1)
    few = count_queries(alice_client, "/trainer/")
    add(18, 3)
    assert count_queries(alice_client, "/trainer/") == few
