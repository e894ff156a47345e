"""How a KPI score was computed, in English and Chinese (kpi_scores.formula and formula_zh): every
sentence is one template per language here, filled with the same values, so the two never say
different things. Identifiers a reader types (kpi.yml keys, mart and column names, metric ids) stay
as they are in both."""

from __future__ import annotations

from dataclasses import dataclass, field

TEMPLATES = {
    "not_due": ("scored per {period_type}", "按{period_type}考核"),
    "excused": ("excused: {reason}", "免考：{reason}"),
    "blocked": ("not scored: {check} on {where}, {start}..{end} ({message})",
                "未评分：{where} 的{check}（{start} 至 {end}）：{message}"),
    "touches": ("{check} on {where} touches {days} of {period_days} days, under the {share} that stops a KPI "
                "(kpi.yml tracking_block_share)",
                "{where} 的{check}涉及本期 {period_days} 天中的 {days} 天，低于阻断指标所需的 {share}"
                "（kpi.yml tracking_block_share）"),
    "waived": ("{check} on {where} waived for {period}: {reason}", "{where} 的{check}已在 {period} 豁免：{reason}"),
    "part_no_data": ("{metric}: no data", "{metric}：无数据"),
    "part": ("{metric} {actual} vs {target} → {achievement} × share {share}",
             "{metric} {actual} 对比目标 {target} → {achievement} × 占比 {share}"),
    "no_part": ("no part has data: {parts}", "各组成部分均无数据：{parts}"),
    "mixed": ("achievement {achievement} = share-weighted average of {parts}",
              "达成率 {achievement} = 各部分按占比加权平均：{parts}"),
    "no_manual": ("no manual score '{name}' entered for {period}", "{period} 未录入人工评分 manual.{name}"),
    "manual": ("manual.{name} = {value} (manual_scores, average of {n} entry(ies) for {source})",
               "manual.{name} = {value}（manual_scores，{source} 的 {n} 条记录的平均值）"),
    "months_of": ("the months of {period}", "{period} 各月"),
    "whole_team": ("the whole team", "全团队"),
    "owned": ("owned {rows}", "负责的 {rows}"),
    "nothing": ("(nothing)", "（无）"),
    "attributed": ("{where}, leads, revenue and customers credited by the {model} attribution model "
                   "(marts.fct_channel_attribution)",
                   "{where}，线索、销售额与客户按 {model} 归因模型计入（marts.fct_channel_attribution）"),
    "no_rows": ("no marketing rows for {where} in {period}", "{period} {where}没有营销数据"),
    "ratio": ("{metric}: ({numerator}) / {denominator} = ({shown}) / {value} over {where} in {period} "
              "(marts.fct_channel_monthly)",
              "{metric}：({numerator}) / {denominator} = ({shown}) / {value}，范围：{where}，{period}"
              "（marts.fct_channel_monthly）"),
    "sum": ("{metric}: sum of {measure} = {value} over {where} in {period} (marts.fct_channel_monthly)",
            "{metric}：{measure} 合计 = {value}，范围：{where}，{period}（marts.fct_channel_monthly）"),
    "the_team": ("by the team", "全团队"),
    "author": ("by author {names}", "作者 {names}"),
    "account": ("on account(s) {names}", "账号 {names}"),
    "no_author_rows": ("no content {who} in {period}", "{period} {who}没有发布内容"),
    "no_accounts": ("no social accounts owned in {period}", "{period} 没有负责的社交账号"),
    "no_account_rows": ("no social account figures {who} in {period}", "{period} {who}没有社交账号数据"),
    "profile": ("{metric} = {detail} {who} in {period} (marts.{table})",
                "{metric} = {detail}，{who}，{period}（marts.{table}）"),
    # one per content and social metric of the registry (vars: mkpi_profile_metrics), with its parts' values
    "read_rate": ("average read rate of {rated_items} item(s)", "{rated_items} 篇内容的平均阅读率"),
    "original_share": ("{original_items} original items / {items} items", "原创 {original_items} 篇 / {items} 篇"),
    "content_output_per_week": ("{items} items / {weeks} weeks", "{items} 篇 / {weeks} 周"),
    "interaction_rate": ("{interactions} interactions / {reads} reads", "{interactions} 次互动 / {reads} 次阅读"),
    "follower_growth_rate": ("({new_followers} - {lost_followers}) / {followers_at_start} followers at the start",
                             "({new_followers} - {lost_followers}) / 期初粉丝 {followers_at_start}"),
    "new_followers": ("{new_followers} new followers", "新增粉丝 {new_followers}"),
    "every_channel": ("every channel", "全部渠道"),
}
LANGS = ("en", "zh")
SEPARATOR = {"en": "; ", "zh": "；"}
PERIOD_TYPES_ZH = {"month": "月", "quarter": "季度", "year": "年"}


@dataclass(frozen=True)
class Said:
    """One sentence of TEMPLATES with its values; a value may itself be a Said, a Both or a list of Said
    (written one after the other with the language's separator)."""
    key: str
    values: dict = field(default_factory=dict)

    def text(self, lang: str) -> str:
        template = TEMPLATES[self.key][LANGS.index(lang)]
        return template.format(**{name: _in(value, lang) for name, value in self.values.items()})


@dataclass(frozen=True)
class Both:
    """A value that reads differently per language: a check's title or message, a metric's name."""
    en: str
    zh: str


def said(key: str, **values) -> Said:
    return Said(key, values)


def joined(parts: list, lang: str) -> str:
    return SEPARATOR[lang].join(_in(p, lang) for p in parts)


def _in(value, lang: str) -> str:
    if isinstance(value, Said):
        return value.text(lang)
    if isinstance(value, Both):
        return value.zh if lang == "zh" else value.en
    if isinstance(value, list):
        return joined(value, lang)
    return str(value)
