"""Settings: every one documented; bad values explained."""

from pathlib import Path

import pytest

from data_access.settings import SETTINGS, load_settings, setting_names

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


def test_an_unknown_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown setting 'COLOUR'"):
        load_settings({"COLOUR": "blue"})


def refused(name: str, value: str) -> str:
    """The message with which ``RDASH_<name>=value`` is refused."""
    with pytest.raises(ValueError) as refusal:
        load_settings({name: value})
    return str(refusal.value)


def test_recovery_targets_must_be_four_shares() -> None:
    expected = ("must be four shares between 0 and 1 for tiers 1-30, 31-60, 61-90, 90+, "
                "e.g. 0.90,0.80,0.70,0.50")  # fmt: skip
    assert refused("RECOVERY_TARGETS", "0.9,0.8") == f"RDASH_RECOVERY_TARGETS='0.9,0.8' {expected}"
    assert refused("RECOVERY_TARGETS", "90,80,70,50") == f"RDASH_RECOVERY_TARGETS='90,80,70,50' {expected}"
    assert refused("RECOVERY_TARGETS", "0.9,0.8,0.7,0") == f"RDASH_RECOVERY_TARGETS='0.9,0.8,0.7,0' {expected}"
    assert refused("RECOVERY_TARGETS", "0.9,0.8,0.7,half") == f"RDASH_RECOVERY_TARGETS='0.9,0.8,0.7,half' {expected}"
    assert load_settings({"RECOVERY_TARGETS": "0.95,0.85,0.75,1"}).recovery_targets == (0.95, 0.85, 0.75, 1.0)


@pytest.mark.parametrize(("name", "example"), [("BAD_DEBT_TARGET", "0.02"), ("LIMIT_UTILISATION_FLAG", "0.90"),
                                               ("ESCALATION_TARGET", "0.90"), ("KEPT_TARGET", "0.70"),
                                               ("CYCLE_IMPROVEMENT_TARGET", "0.10")])  # fmt: skip
def test_shares_and_rates_must_be_between_0_and_1(name: str, example: str) -> None:
    message = f"must be a share between 0 and 1, e.g. {example}"
    assert refused(name, "70") == f"RDASH_{name}='70' {message}"
    assert refused(name, "-0.1") == f"RDASH_{name}='-0.1' {message}"
    assert refused(name, "seventy") == f"RDASH_{name}='seventy' {message}"
    assert getattr(load_settings({name: "1"}), name.lower()) == 1.0
    assert getattr(load_settings({name: "0"}), name.lower()) == 0.0


@pytest.mark.parametrize(("name", "example", "unit"), [
    ("PROMISE_GRACE_DAYS", "3", "days"), ("WRITE_OFF_CANDIDATE_DPD", "360", "days"),
    ("WRITE_OFF_QUIET_DAYS", "90", "days"), ("CHARGE_BACK_DAYS", "90", "days"),
    ("ESCALATION_DAYS", "5", "working days"), ("PROVISION_LOOKBACK_MONTHS", "12", "months"),
])  # fmt: skip
def test_day_counts_and_months_must_be_positive_whole_numbers(name: str, example: str, unit: str) -> None:
    message = f"must be a positive whole number of {unit}, e.g. {example}"
    assert refused(name, "0") == f"RDASH_{name}='0' {message}"
    assert refused(name, "-3") == f"RDASH_{name}='-3' {message}"
    assert refused(name, "2.5") == f"RDASH_{name}='2.5' {message}"
    assert getattr(load_settings({name: "1"}), name.lower()) == 1


def test_the_forward_scalar_must_be_above_0() -> None:
    assert refused("FORWARD_SCALAR", "0") == "RDASH_FORWARD_SCALAR='0' must be a number above 0, e.g. 1.0"
    assert refused("FORWARD_SCALAR", "inf") == "RDASH_FORWARD_SCALAR='inf' must be a number above 0, e.g. 1.0"
    assert load_settings({"FORWARD_SCALAR": "1.25"}).forward_scalar == 1.25


def test_the_satisfaction_target_must_be_on_the_survey_scale() -> None:
    message = "must be a score from 1 to 5 on the survey scale, e.g. 4.0"
    assert refused("SATISFACTION_TARGET", "0.8") == f"RDASH_SATISFACTION_TARGET='0.8' {message}"
    assert refused("SATISFACTION_TARGET", "6") == f"RDASH_SATISFACTION_TARGET='6' {message}"
    assert load_settings({"SATISFACTION_TARGET": "5"}).satisfaction_target == 5.0


def test_the_currency_must_be_a_three_letter_code() -> None:
    message = "must be a three-letter currency code, e.g. CNY"
    assert refused("CURRENCY", "RMB¥") == f"RDASH_CURRENCY='RMB¥' {message}"
    assert refused("CURRENCY", "US") == f"RDASH_CURRENCY='US' {message}"
    assert refused("CURRENCY", "12A") == f"RDASH_CURRENCY='12A' {message}"
    assert load_settings({"CURRENCY": "usd"}).currency == "USD"


def test_bucket_edges_must_start_at_0_and_rise() -> None:
    message = "must be days past due that start at 0 and rise strictly, e.g. 0,30,60,90,180"
    assert refused("BUCKET_EDGES", "0,60,30") == f"RDASH_BUCKET_EDGES='0,60,30' {message}"
    assert refused("BUCKET_EDGES", "30,60") == f"RDASH_BUCKET_EDGES='30,60' {message}"


def test_score_weights_must_be_three_adding_up_to_1() -> None:
    message = "must be three weights adding up to 1 (quantity, quality, behaviour), e.g. 0.5,0.3,0.2"
    assert refused("SCORE_WEIGHTS", "0.5,0.5") == f"RDASH_SCORE_WEIGHTS='0.5,0.5' {message}"
    assert refused("SCORE_WEIGHTS", "0.6,0.6,-0.2") == f"RDASH_SCORE_WEIGHTS='0.6,0.6,-0.2' {message}"


def test_counts_must_not_be_negative() -> None:
    assert refused("DEMO_SEED", "-1") == "RDASH_DEMO_SEED='-1' must be a whole number, 0 or more, e.g. 7"
    assert refused("DEMO_INVOICES", "many") == "RDASH_DEMO_INVOICES='many' must be a whole number, 0 or more, e.g. 200000"
    assert refused("DATA_CHECK_SECONDS", "-5") == (
        "RDASH_DATA_CHECK_SECONDS='-5' must be a whole number, 0 or more, e.g. 30")


def test_the_environment_is_checked_like_any_other_source(monkeypatch) -> None:
    monkeypatch.setenv("RDASH_KEPT_TARGET", "70%")
    with pytest.raises(ValueError, match=r"^RDASH_KEPT_TARGET='70%' must be a share between 0 and 1, e\.g\. 0\.70$"):
        load_settings()


def test_the_example_in_every_message_is_a_valid_value() -> None:
    for setting in SETTINGS:
        if setting.rule is not None:
            example = setting.rule.expected.rsplit("e.g. ", 1)[1]
            load_settings({setting.name: example})  # accepted, not refused
