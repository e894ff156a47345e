"""json_api against a local server that behaves like the APIs it stands for: an HTTP 200 that carries an
error in its envelope (Baidu's `header.status`, Ocean Engine's `code`), a page size capped below the one
asked for, a total count, a missing records path. A failed pull keeps the stored days."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import duckdb
import pytest

from pipelines.sources import pulling
from pipelines.settings import Settings
from pipelines.configuration.sources_yml import SourcesConfigError, load_sources
from tests.sink_servers import LocalHttpServer, Received, Reply

AS_OF = dt.date(2026, 10, 10)
ROWS = [{"day": f"2026-10-0{d}", "campaign": f"c{d}", "cost": f"{d}.00"} for d in range(1, 6)]  # 5 days, 1 row each
PAGE_CAP = 2  # the server's own page size, whatever pageSize asks for


@dataclass
class ReportApi(LocalHttpServer):
    behaviour: str = "good"
    received: list[Received] = field(default_factory=list)

    def answer(self, request: Received) -> Reply:
        self.received.append(request)
        asked = json.loads(request.body or b"{}")
        if self.behaviour == "error":  # an expired token, answered like Baidu answers it: HTTP 200, status 2
            return Reply(200, {"header": {"status": 2, "desc": "token expired"}, "body": {}})
        if self.behaviour == "no_records":
            return Reply(200, {"header": {"status": 0}, "body": {"message": "report generating"}})
        page = int(asked.get("page", 1))
        rows = ROWS[(page - 1) * PAGE_CAP:page * PAGE_CAP]
        body = {"data": rows, **({"total": len(ROWS)} if self.behaviour == "total" else {})}
        return Reply(200, {"header": {"status": 0}, "body": body})


def sources_yml(url: str, extra: str = "") -> str:
    return ("defaults: {start_date: 2026-10-01, lookback_days: 7, retries: 0}\nsources:\n"
            f"  - name: report\n    type: json_api\n    kind: ad_spend\n    url: {url}/report\n    method: POST\n"
            "    body: {startDate: '{start}', endDate: '{end}'}\n    records: body.data\n"
            "    error: {path: header.status, ok: 0, message: header.desc}\n"
            "    fields: {date: day, campaign_name: campaign, spend: cost}\n"
            "    constants: {platform: baidu_sem, currency: CNY}\n"
            f"    paging: {{style: page, param: page, size_param: pageSize, size: 5{extra}}}\n")


def pull(tmp_path, api: ReportApi, extra: str = ""):
    (tmp_path / "sources.yml").write_text(sources_yml(api.base_url, extra), encoding="utf-8")
    settings = Settings.from_env(warehouse=tmp_path / "w.duckdb", state_dir=tmp_path / "state",
                                 sources_file=tmp_path / "sources.yml")
    return pulling.pull(settings, load_sources(tmp_path / "sources.yml").get("report"), "ad_spend", as_of=AS_OF,
                        total_share=0.005)


def stored(tmp_path) -> list[tuple]:
    con = duckdb.connect(str(tmp_path / "state" / "pulled.duckdb"), read_only=True)
    try:
        return con.execute("SELECT date, campaign_name FROM pulled_ad_spend ORDER BY 1").fetchall()
    finally:
        con.close()


def test_a_capped_page_size_does_not_cut_the_listing_and_an_empty_page_ends_it(tmp_path):
    with ReportApi() as api:
        outcome = pull(tmp_path, api)
        assert outcome.ok, outcome.error
        # Pages of 2, 2, 1 although 5 were asked for, then the empty page 4 that ends the listing.
        assert [json.loads(r.body)["page"] for r in api.received] == [1, 2, 3, 4]
    assert [c for _, c in stored(tmp_path)] == ["c1", "c2", "c3", "c4", "c5"]


def test_a_total_count_ends_the_listing_without_asking_for_an_empty_page(tmp_path):
    with ReportApi(behaviour="total") as api:
        assert pull(tmp_path, api, ", total_path: body.total").ok
        assert [json.loads(r.body)["page"] for r in api.received] == [1, 2, 3]
    assert len(stored(tmp_path)) == 5


@pytest.mark.parametrize("behaviour, said", [
    ("error", "the API answered with an error (header.status = 2: token expired), so nothing was stored"),
    ("no_records", "the answer has no 'body.data' (it has: body, header), so nothing was stored"),
])
def test_an_error_inside_a_200_or_a_missing_records_path_keeps_the_stored_days(tmp_path, behaviour, said):
    with ReportApi() as api:
        assert pull(tmp_path, api).ok
        before = stored(tmp_path)
        api.behaviour = behaviour
        outcome = pull(tmp_path, api)
    assert not outcome.ok and said in outcome.error
    assert stored(tmp_path) == before and len(before) == 5  # the window was not cleared


@pytest.mark.parametrize("extra, message", [
    (", totals: body.total", "'totals' is not a paging setting"),
])
def test_a_paging_setting_that_does_not_exist_is_named(tmp_path, extra, message):
    (tmp_path / "sources.yml").write_text(sources_yml("http://127.0.0.1:9", extra), encoding="utf-8")
    with pytest.raises(SourcesConfigError, match=message):
        load_sources(tmp_path / "sources.yml")
