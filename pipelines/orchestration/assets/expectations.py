"""Great Expectations on tonight's landed rows, reported after dbt: the checks ran beside dbt in a child
process the landing step started (pipelines/validation/beside_dbt.py)."""

import dagster as dg

from pipelines.orchestration.assets.landing import landing_key
from pipelines.orchestration.resources import MkpiResource
from pipelines.night.step_timings import timed
from pipelines.validation import beside_dbt
from pipelines.validation.data_expectations import validated_kinds


def landing_expectations(dbt_models: dg.AssetsDefinition) -> dg.AssetChecksDefinition:
    return dg.multi_asset_check(
        specs=[dg.AssetCheckSpec("expectations", asset=landing_key(kind), additional_deps=[dbt_models],
                                 description="Great Expectations on the landed rows") for kind in validated_kinds()],
        name="landing_expectations",
    )(_report_expectations)


def _report_expectations(mkpi: MkpiResource):
    with timed("validation", "the data validation's results"):  # the wait for the child, if dbt finished first (and the export before it)
        validations = {v.kind: v for v in beside_dbt.finish(mkpi.build_path)}
    for kind in validated_kinds():
        v = validations.get(kind)
        if v is None:
            yield dg.AssetCheckResult(asset_key=landing_key(kind), check_name="expectations", passed=True,
                                      metadata={"rows_checked": 0, "note": "no new rows of this kind tonight"})
            continue
        yield dg.AssetCheckResult(
            asset_key=landing_key(kind), check_name="expectations", passed=v.success,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"rows_checked": v.rows_checked, "failed": dg.MetadataValue.json(v.failures),
                      "result": dg.MetadataValue.path(v.result_file)},
        )
