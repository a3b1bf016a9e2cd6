"""``coffeechat remind`` as cron runs it: real processes, one home, a push receiver on loopback."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from tests.browser.conftest import child_environment, free_port, server_database, serving
from tests.cli.remind_child import PEOPLE
from tests.receivers import receiver_fixture

push_receiver = receiver_fixture()
CHILD = str(Path(__file__).with_name("remind_child.py"))
MOMENT = datetime(2030, 1, 9, 9, 0, tzinfo=UTC).isoformat()


def child(environ, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, CHILD, MOMENT, *args],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def test_two_runs_started_together_send_each_reminder_once(tmp_path, push_receiver):
    with server_database() as database_url:
        environ = child_environment(tmp_path, database_url)
        code, out, err = finished(child(environ, "seed", push_receiver.topic_url()))
        assert code == 0, err
        runs = [child(environ, "remind") for _ in range(2)]
        results = [finished(run) for run in runs]
        assert [code for code, _, _ in results] == [0, 0], results
        titles = sorted(push["title"] for push in push_receiver.pushes)
        assert titles == sorted(f"Thank-you to {name}" for name in PEOPLE)
        said = "".join(out for _, out, _ in results)
        assert all(said.count(f'"Thank-you to {name}"') == 1 for name in PEOPLE), said
        # Run again: everything went out already.
        code, out, err = finished(child(environ, "remind"))
        assert (code, out.strip()) == (0, "Nothing to send now."), err
        assert len(push_receiver.pushes) == len(PEOPLE)


def test_a_dry_run_lists_what_would_go_and_a_failure_exits_non_zero(tmp_path, push_receiver):
    with server_database() as database_url:
        environ = child_environment(tmp_path, database_url)
        assert finished(child(environ, "seed", push_receiver.topic_url()))[0] == 0
        code, out, err = finished(child(environ, "remind", "--dry-run"))
        assert code == 0, err
        assert out.count("Would send by push (due)") == len(PEOPLE)
        assert push_receiver.pushes == []
        push_receiver.answer_always(404)
        code, out, err = finished(child(environ, "remind"))
        assert code == 1
        assert out.count("Failed by push (due)") == len(PEOPLE)
        assert "404" in out and "Trying again after" in out


def test_serve_sends_the_reminders_that_came_due_while_it_runs(tmp_path, push_receiver):
    launcher = str(Path(__file__).parents[1] / "browser" / "clocked_serve.py")
    clock_file = tmp_path / "clock.txt"
    clock_file.write_text(MOMENT, encoding="utf-8")
    with server_database() as database_url:
        environ = child_environment(tmp_path / "home", database_url)
        assert finished(child(environ, "seed", push_receiver.topic_url()))[0] == 0
        command = [sys.executable, launcher, str(clock_file), "serve", "--no-browser"]
        port = free_port()
        command += ["--port", str(port)]
        with serving(command, environ) as (_link, output):
            # The first round goes as the app starts; waiting for what it sends, not for time.
            assert push_receiver.wait_for(len(PEOPLE), timeout=60), output
        titles = sorted(push["title"] for push in push_receiver.pushes)
        assert titles == sorted(f"Thank-you to {name}" for name in PEOPLE)
        # Each push opens the item on the app that sent it.
        assert all(
            push["click"].startswith(f"http://127.0.0.1:{port}/") for push in push_receiver.pushes
        )
