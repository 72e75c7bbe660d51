"""Settings: every one documented; bad values explained."""

from pathlib import Path

import pytest

from data_access.settings import load_settings, setting_names

DOCS = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


@pytest.mark.parametrize("name", setting_names())
def test_every_setting_is_documented(name: str) -> None:
    assert f"`{name}`" in DOCS.read_text(encoding="utf-8")


def test_defaults_follow_the_appraisal_scheme() -> None:
    s = load_settings({"DATABASE_URL": "sqlite://"})
    assert s.bucket_edges == (0, 30, 60, 90, 180)
    assert s.recovery_targets == (0.90, 0.80, 0.70, 0.50)
    assert s.score_weights == (0.5, 0.3, 0.2)
    assert s.promise_grace_days == 3


def test_environment_variables_override_defaults(monkeypatch) -> None:
    monkeypatch.setenv("RDASH_BUCKET_EDGES", "0,15,45")
    assert load_settings().bucket_edges == (0, 15, 45)


def test_bucket_edges_that_do_not_rise_are_refused_with_an_example() -> None:
    with pytest.raises(ValueError, match=r"RDASH_BUCKET_EDGES='0,60,30' must start at 0 and rise strictly"):
        load_settings({"BUCKET_EDGES": "0,60,30"})


def test_an_unknown_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown setting 'COLOUR'"):
        load_settings({"COLOUR": "blue"})


def test_a_malformed_number_names_the_setting() -> None:
    with pytest.raises(ValueError, match=r"RDASH_PROMISE_GRACE_DAYS='three' is not a valid int"):
        load_settings({"PROMISE_GRACE_DAYS": "three"})
