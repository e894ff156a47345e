"""One asset per API source table (pulled/<source>/<table>), pulled into the pull store before landing.

A pull that fails is retried by Dagster (retry policy from sources.yml); when the last attempt fails
too, the failure is recorded and the asset still completes, so the other sources, the build and the
publish go on: the table keeps its last good data and a tracking issue reports the failure.
"""

import time

import dagster as dg

from pipelines.night import step_timings
from pipelines.orchestration.resources import MkpiResource
from pipelines.configuration.sources_yml import SourcesConfig, SourceSpec


def pulled_key(source: str, kind: str) -> dg.AssetKey:
    return dg.AssetKey(["pulled", source, kind])


def source_assets(config: SourcesConfig) -> list[dg.AssetsDefinition]:
    return [_pull_asset(spec, kind) for spec in config.enabled for kind in spec.kinds]


def _pull_asset(spec: SourceSpec, kind: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=pulled_key(spec.name, kind),
        group_name="sources",
        kinds={spec.type},
        description=f"{kind} pulled from {spec.name} ({spec.type}) into the pull store",
        retry_policy=dg.RetryPolicy(max_retries=spec.retries, delay=spec.retry_delay_seconds,
                                    backoff=dg.Backoff.EXPONENTIAL),
    )
    def _pull(context: dg.AssetExecutionContext, mkpi: MkpiResource) -> dg.MaterializeResult:
        from pipelines.sources import pulling  # the connectors' imports: a night without sources never pays them

        step_timings.say(f"pulling {kind} from {spec.name} …")
        started = time.perf_counter()
        config = mkpi.run_config()
        outcome = pulling.pull(mkpi.settings(), spec, kind, as_of=config.as_of(),
                               total_share=config.tracking_setting("source_total_share"))
        took = time.perf_counter() - started
        step_timings.say(f"pulled {kind} from {spec.name}: {outcome.result.rows:,} rows, {outcome.result.pages} "
                         f"page(s) in {took:.1f} s" if outcome.ok else
                         f"pulling {kind} from {spec.name} failed after {took:.1f} s: {outcome.error}")
        if not outcome.ok:
            if outcome.retryable and context.retry_number < spec.retries:
                raise dg.Failure(description=outcome.error)  # Dagster retries the step after the delay
            context.log.error(f"{outcome.error} — {kind} keeps the data of the last good pull")
            return dg.MaterializeResult(metadata={"status": "failed", "error": outcome.error})
        result = outcome.result
        if result.kept_days:
            context.log.warning(f"{spec.name}: {result.kept_days} account day(s) re-fetched did not add up to the "
                                f"account total; their stored rows were kept (tracking check source_total_mismatch)")
        return dg.MaterializeResult(metadata={"status": "ok", "window": result.window, "pages": result.pages,
                                              "rows": result.rows, "kept_days": result.kept_days})

    return _pull
