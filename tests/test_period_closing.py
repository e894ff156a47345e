"""Provisional → final → reopen → closed again, over simulated nights, with late data arriving after a
period closed. The store is the real DuckDB file in the state folder; each night scores real Inputs.

One KPI, a manual score with target 100 and weight 100: a person's total is the score entered."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipelines.scoring import closing
from pipelines.scoring.config import KpiConfigError
from pipelines.scoring.kpi_yml import load_kpi_config
from pipelines.scoring.engine import score
from pipelines.scoring.inputs import Employee, Inputs
from pipelines.scoring.tables import write_table
from tests.conftest import one_manual_kpi

CONFIG = one_manual_kpi("over_time: {warning_after_months_below_pass: 2}\nclosing: {close_day: 5}\n")


@pytest.fixture
def night(tmp_path):
    """Run one night's scoring and closing on `as_of` with `entries` {(period, person): score}."""
    path = tmp_path / "kpi.yml"
    path.write_text(CONFIG)
    config = load_kpi_config(path)
    store_file = closing.store_path(tmp_path / "state")

    def run(as_of: dt.date, entries: dict, data_through: dt.date | None = None) -> dict:
        """`data_through`: the last day with data (default: the day before the as-of date)."""
        data = Inputs(
            as_of=as_of, employees=[Employee("A", "Ann", "rep", "t", "roster.csv", 2),
                                    Employee("B", "Bo", "rep", "t", "roster.csv", 3)],
            ownership={}, owned_monthly={}, team_monthly={}, content=[], social=[],
            manual={(p, e, "score"): [(float(v), None)] for (p, e), v in entries.items()},
            first_month=dt.date(2026, 1, 1),
        )
        with closing.Store(store_file) as store:
            kpi_rows, cards, raised = score(data, config, store.frozen())
            tables = {"kpi_scores": kpi_rows, "employee_scorecards": cards, "scorecard_flags": raised}
            closing.settle(store, data.periods(), as_of, config.close_day, tables,
                           data_through or as_of - dt.timedelta(days=1))
        return tables

    run.store_file = store_file
    return run


def card(tables, period, person):
    return next(c for c in tables["employee_scorecards"] if c["period"] == period and c["employee_id"] == person)


def status(tables, period):
    return next(p for p in tables["scoring_periods"] if p["period"] == period)


JANUARY = {("2026-01", "A"): 100, ("2026-01", "B"): 70}


def test_a_month_is_provisional_until_the_fifth_then_final(night):
    first = night(dt.date(2026, 2, 2), JANUARY)
    assert card(first, "2026-01", "A")["total"] == pytest.approx(100)
    jan = status(first, "2026-01")
    assert (jan["status"], jan["close_date"], jan["closed_at"]) == ("provisional", dt.date(2026, 2, 5), None)
    assert {c["period_status"] for c in first["employee_scorecards"]} == {"provisional"}
    # The night of the 5th: the close date has come, January is frozen as tonight scored it.
    fifth = night(dt.date(2026, 2, 5), JANUARY)
    assert status(fifth, "2026-01")["status"] == "final" and status(fifth, "2026-01")["closed_by"] == "close date"
    assert {r["period_status"] for t in closing.FROZEN for r in fifth[t] if r["period"] == "2026-01"} == {"final"}
    assert [e["action"] for e in fifth["scoring_period_events"]] == ["close"]


def test_the_last_day_of_a_month_is_not_yet_a_full_month():
    """The as-of day is still coming in: on 31 January, January has not ended; on 1 February it has."""
    from pipelines.scoring.periods import ended_periods

    first = dt.date(2026, 1, 1)
    assert ended_periods(first, dt.date(2026, 1, 31)) == []
    assert [p.label for p in ended_periods(first, dt.date(2026, 2, 1))] == ["2026-01"]
    assert [p.label for p in ended_periods(first, dt.date(2026, 3, 31))] == ["2026-01", "2026-02"]
    assert [p.label for p in ended_periods(first, dt.date(2026, 4, 1))] == ["2026-01", "2026-02", "2026-03", "2026-Q1"]


def test_a_period_the_data_stops_short_of_stays_provisional_past_its_close_date(night):
    # 9 February, but the exports stop on 20 January: January is scored, not frozen.
    short = night(dt.date(2026, 2, 9), JANUARY, data_through=dt.date(2026, 1, 20))
    assert status(short, "2026-01")["status"] == "provisional" and short["scoring_period_events"] == []
    # The rest of January arrives: the next night closes it and records what it closed on.
    full = night(dt.date(2026, 2, 10), JANUARY)
    assert status(full, "2026-01")["status"] == "final"
    [event] = full["scoring_period_events"]
    assert (event["action"], event["as_of_date"], event["data_through"]) == ("close", dt.date(2026, 2, 10),
                                                                             dt.date(2026, 2, 9))


def test_a_typo_in_the_as_of_date_closes_nothing_the_data_does_not_reach_and_reopen_undoes_a_close(night):
    """2027-03-31 typed for 2026-12-31 (let through as a rehearsal would): the data ends on 20 December,
    so December, January and February are scored but none is frozen; November, which the data covers,
    closes. A lead reopens November; the next night's periods and scorecards agree on its status."""
    entries = {(f"2026-{m:02d}", "A"): 100 for m in range(1, 13)}
    typo = night(dt.date(2027, 3, 31), entries, data_through=dt.date(2026, 12, 20))
    final = {p["period"] for p in typo["scoring_periods"] if p["status"] == "final"}
    assert "2026-11" in final and not final & {"2026-12", "2027-01", "2027-02", "2026-Q4", "2026"}
    with closing.Store(night.store_file) as store:
        store.reopen("2026-11", "closed on a mistyped as-of date")
    fixed = night(dt.date(2026, 12, 21), entries, data_through=dt.date(2026, 12, 20))
    assert status(fixed, "2026-11")["status"] == "provisional"
    assert {c["period_status"] for c in fixed["employee_scorecards"] if c["period"] == "2026-11"} == {"provisional"}


def test_late_data_after_the_close_does_not_change_a_final_month(night):
    night(dt.date(2026, 2, 5), JANUARY)
    # A lead's rating for January arrives late and would make A 50 and B 90.
    late = night(dt.date(2026, 2, 9), {("2026-01", "A"): 50, ("2026-01", "B"): 90, ("2026-02", "A"): 100})
    assert (card(late, "2026-01", "A")["total"], card(late, "2026-01", "B")["total"]) == (pytest.approx(100),
                                                                                          pytest.approx(70))
    kpi = next(r for r in late["kpi_scores"] if r["period"] == "2026-01" and r["employee_id"] == "A")
    assert kpi["actual"] == pytest.approx(100)
    # A full rebuild loses nothing: the frozen rows live in the state folder, not in the warehouse.
    assert closing.store_path(night.store_file.parent) == night.store_file and night.store_file.exists()


def test_a_later_streak_counts_the_final_month_as_closed(night):
    night(dt.date(2026, 2, 5), JANUARY)  # B closed January at 70: below the pass line
    # Late data would lift B's January to 90, but January is final at 70; B's February 75 is the second
    # month below 80 in a row → warning in February, earned in the closed January and February.
    tables = night(dt.date(2026, 3, 2), {("2026-01", "A"): 100, ("2026-01", "B"): 90,
                                         ("2026-02", "A"): 100, ("2026-02", "B"): 75})
    assert card(tables, "2026-02", "B")["warning"] and card(tables, "2026-02", "B")["months_below_pass"] == 2
    assert [(r["period"], r["earned_in"]) for r in tables["scorecard_flags"] if r["flag"] == "warning"] == [
        ("2026-02", "2026-01, 2026-02")]


def test_reopen_with_a_reason_then_close_again(night, tmp_path):
    night(dt.date(2026, 2, 5), JANUARY)
    with closing.Store(night.store_file) as store:
        store.reopen("2026-01", "CRM import of 28 January was missing")
    late = {("2026-01", "A"): 50, ("2026-01", "B"): 90}
    # Reopened: scored again from tonight's data, and still provisional on later nights past the 5th.
    for as_of in (dt.date(2026, 2, 9), dt.date(2026, 2, 10)):
        tables = night(as_of, late)
        assert card(tables, "2026-01", "A")["total"] == pytest.approx(50)
        jan = status(tables, "2026-01")
        assert (jan["status"], jan["reopen_reason"]) == ("provisional", "CRM import of 28 January was missing")
    # The lead closes it again from the published file (what they reviewed), with `mkpi close`'s function.
    published = tmp_path / "published.duckdb"
    con = duckdb.connect(str(published))
    for name in (*closing.FROZEN, "scoring_periods", "scoring_status"):
        write_table(con, name, tables.get(name, []))
    con.execute("CREATE TABLE marts.dim_run_settings AS SELECT DATE '2026-02-10' AS as_of_date")
    con.execute("CREATE TABLE marts.fct_channel_daily AS SELECT DATE '2026-02-09' AS date")
    with closing.Store(night.store_file) as store:
        assert closing.close_published(store, con, "2026-01", "reviewed with the CRM team") == 2
        with pytest.raises(closing.ClosingError, match="2026-01 is already final; reopen it first"):
            closing.close_published(store, con, "2026-01")
        with pytest.raises(closing.ClosingError, match=r"2026-03 has no scorecards in the published file \(scored "
                                                       r"periods: 2026-01\)"):
            closing.close_published(store, con, "2026-03")
    con.close()
    after = night(dt.date(2026, 2, 11), {("2026-01", "A"): 10, ("2026-01", "B"): 10})
    assert card(after, "2026-01", "A")["total"] == pytest.approx(50)  # as closed, not tonight's 10
    assert [(e["action"], e["recorded_by"], e["reason"]) for e in after["scoring_period_events"]] == [
        ("close", "close date", None), ("reopen", "mkpi reopen", "CRM import of 28 January was missing"),
        ("close", "mkpi close", "reviewed with the CRM team")]
    assert (after["scoring_period_events"][-1]["as_of_date"], after["scoring_period_events"][-1]["data_through"]) == (
        dt.date(2026, 2, 10), dt.date(2026, 2, 9))  # the published file's night
    assert status(after, "2026-01")["closed_by"] == "mkpi close"


def test_only_a_final_period_can_be_reopened(night):
    night(dt.date(2026, 2, 2), JANUARY)
    with closing.Store(night.store_file) as store, pytest.raises(closing.ClosingError, match="2026-01 is not closed"):
        store.reopen("2026-01", "why not")


def test_a_waiver_is_on_record_and_changes_neither_closing_nor_a_final_period(night):
    waiver = closing.Waiver("sessions_drop", "facebook", None, "tags restored within the day")
    night(dt.date(2026, 2, 2), JANUARY)
    with closing.Store(night.store_file) as store:
        store.waive("2026-01", waiver)
    # Waived while provisional: January still closes on the 5th like any month, and the waiver stays on record.
    tables = night(dt.date(2026, 2, 5), JANUARY)
    assert status(tables, "2026-01")["status"] == "final"
    assert [(e["action"], e["subject"], e["reason"]) for e in tables["scoring_period_events"]] == [
        ("waive", "sessions_drop|facebook|", "tags restored within the day"), ("close", None, None)]
    with closing.Store(night.store_file) as store:
        assert closing.waivers(store.events()) == {"2026-01": [waiver]}
        with pytest.raises(closing.ClosingError, match=r"2026-01 is final; reopen it first"):
            store.waive("2026-01", waiver)


@pytest.mark.parametrize("value", ["0", "31", "fifth"])
def test_a_close_day_outside_the_month_is_refused_with_its_line(tmp_path, value):
    path = tmp_path / "kpi.yml"
    path.write_text(CONFIG.replace("close_day: 5", f"close_day: {value}"))
    with pytest.raises(KpiConfigError) as err:
        load_kpi_config(path)
    assert str(err.value).startswith(f"{path}, line 4,") and "is not a day of the month from 1 to 28" in str(err.value)
