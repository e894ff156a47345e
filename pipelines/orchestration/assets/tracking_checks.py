"""One Dagster asset check per broken-tracking check of the registry (dbt_project.yml's vars), on
`marts/fct_tracking_issues`, read from the published file once the night is published: what each found,
where and how many rows, at tonight's severity (mkpi.yml's overrides included). An `info` finding is a
note, never a failed check; `warn` is a warning; `error` an error that does not block (the night is
published: tracking findings are reported, not build failures)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.night import warehouse
from pipelines.configuration.mkpi_yml import tracking_checks
from pipelines.orchestration.assets.publish import PUBLISHED
from pipelines.orchestration.resources import MkpiResource

ISSUES = dg.AssetKey(["marts", "fct_tracking_issues"])


def tracking_asset_checks(descriptions: dict[str, str]) -> dg.AssetChecksDefinition:
    """`descriptions`: check → what it looks for (the tracking models' yml descriptions)."""
    return dg.multi_asset_check(
        specs=[dg.AssetCheckSpec(check, asset=ISSUES, additional_deps=[PUBLISHED], blocking=False,
                                 description=descriptions.get(check)) for check in tracking_checks()],
        name="tracking_checks",
    )(_report_findings)


def _report_findings(mkpi: MkpiResource):
    con = warehouse.connect(Path(mkpi.warehouse), read_only=True)
    try:
        found = warehouse.records(con, """
            SELECT check_name, any_value(severity) AS severity, count(*) AS issues, sum(rows_affected) AS rows_affected,
                   list(DISTINCT coalesce(channel, 'all channels') ORDER BY coalesce(channel, 'all channels'))
                       AS channels, any_value(message ORDER BY rows_affected DESC) AS example
            FROM marts.fct_tracking_issues GROUP BY check_name""")
    finally:
        con.close()
    by_check = {row["check_name"]: row for row in found}
    for check in tracking_checks():
        yield finding(check, by_check.get(check))


def finding(check: str, row: dict | None) -> dg.AssetCheckResult:
    """The check's result from its row of tonight's issues (None: nothing found)."""
    if row is None:
        return dg.AssetCheckResult(asset_key=ISSUES, check_name=check, passed=True, metadata={"issues": 0})
    severity = row["severity"]  # one per check and night (dbt_project.yml's default, or mkpi.yml's)
    metadata = {"severity": severity, "issues": row["issues"], "rows_affected": int(row["rows_affected"] or 0),
                "channels": ", ".join(row["channels"]), "example": row["example"]}
    return dg.AssetCheckResult(asset_key=ISSUES, check_name=check, passed=severity == "info", metadata=metadata,
                               severity=dg.AssetCheckSeverity.ERROR if severity == "error" else dg.AssetCheckSeverity.WARN)
