"""A misspelled SLOPES_* variable is not silently ignored: the app logs a warning at start naming it and the
known ones."""
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.main import warn_unknown_settings
from app.settings import known_variables, unknown_variables

ROOT = Path(__file__).resolve().parent.parent


def test_unknown_variables_are_found_and_known_ones_are_not():
    env = {"SLOPES_MAX_STEP": "5", "SLOPES_MAX_STEPS": "50", "PATH": "/bin", "SLOPES_max_steps": "1"}
    assert unknown_variables(env) == ["SLOPES_MAX_STEP", "SLOPES_max_steps"]
    assert "SLOPES_MAX_STEPS" in known_variables() and "SLOPES_MAX_RUN_EVALUATIONS" in known_variables()


def test_the_warning_names_the_typo_and_the_known_ones(caplog):
    with caplog.at_level(logging.WARNING, logger="slopes"):
        assert warn_unknown_settings({"SLOPES_MAX_STEP": "5"}) == ["SLOPES_MAX_STEP"]
    text = caplog.text
    assert "SLOPES_MAX_STEP " in text or "SLOPES_MAX_STEP;" in text
    assert "SLOPES_MAX_STEPS" in text and "SLOPES_SHUTDOWN_SECONDS" in text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="slopes"):
        assert warn_unknown_settings({"SLOPES_MAX_STEPS": "5"}) == []
    assert "unknown" not in caplog.text


@pytest.mark.process
def test_the_server_warns_at_start():
    code = ("from fastapi.testclient import TestClient\nfrom app.main import app\n"
            "with TestClient(app) as c:\n    assert c.get('/healthz').status_code == 200\n")
    env = {**os.environ, "SLOPES_MAX_STEP": "5"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "SLOPES_MAX_STEP" in out.stderr and "known" in out.stderr, out.stderr[-2000:]


def test_only_the_upper_case_names_are_read_and_whole_numbers_may_be_written_three_ways():
    from app.settings import SettingsError, load_settings

    assert load_settings({"SLOPES_max_steps": "5"}).max_steps == 20_000  # warned as unknown above, and not read
    assert [load_settings({"SLOPES_MAX_STEPS": v}).max_steps for v in ("30000", "30_000", "3e4")] == [30_000] * 3
    for value, message in (("0", "out of range: it must be in [1, 1,000,000]"), ("2.5", "not a whole number")):
        try:
            load_settings({"SLOPES_MAX_STEPS": value})
        except SettingsError as e:
            assert str(e) == f"SLOPES_MAX_STEPS='{value}' is {message}"
        else:
            raise AssertionError(f"SLOPES_MAX_STEPS={value} was accepted")
