"""Report labels in English and Chinese: headings, categories, statuses, grades, flags and the card's note.
Role and KPI names come from kpi.yml through marts.kpi_labels; metric names from the registry (metric_label)."""

import functools

from pipelines.scoring import metrics
from pipelines.scoring.flags import FLAGS

LABELS = {
    "en": {
        "title": "Team KPI report", "generated": "Data as of", "overview": "Team overview",
        "grades": "Grade distribution", "ranking": "Ranking", "trend": "Team average over periods",
        "campaigns": "Top campaigns this period", "person": "Scorecard", "rank": "Rank in team", "name": "Name",
        "role": "Role", "team": "Team", "total": "Total", "grade": "Grade", "flags": "Flags", "kpi": "KPI",
        "category": "Category", "weight": "Weight", "target": "Target", "actual": "Actual",
        "achievement": "Achievement", "points": "Points", "status": "Status", "how": "How it was computed",
        "points_vs_weight": "Points vs weight (scored KPIs)", "own_trend": "Total over periods",
        "campaign": "Campaign", "channel": "Channel", "note": "Note",
        "no_cards": "No scorecards for this period.", "no_team": "(no team)",
        "provisional": "provisional: scored again every night until {date}",
        "final": "final: closed on {date}, later data does not change it",
        "month_to_date": "month to date",
        "to_date": "provisional: the days up to {date}; targets of counts and amounts (leads, revenue, "
        "clicks, …) pro-rated to the days elapsed, ratios as set. Nothing here is final or stored",
        "renormalized": "weights re-normalized over the {weight:g}% scored; left out: ",
        "extra": "extra points ", "swapped": "swapped in", "own_weights": "own weights",
        "card_blocked": "Not graded: tracking issues leave too little of this card scored",
        "next_blocked": "What to do: an error-level tracking issue stops too much of this card's weight (see the KPIs "
        "marked blocked and how each was computed). If the numbers are usable after all, the team lead can waive the "
        "issue for {period} ({waive}); otherwise the tracking is fixed and the "
        "card is scored again every night while {period} is provisional. A final period is reopened first ({reopen}).",
        "next_no_data": "What to do: too few of this card's KPIs have data for {period}. Check that the person's "
        "ownership ({ownership}) and manual scores ({manual}) are entered; the card is scored again every "
        "night while {period} is provisional.",
        "not_graded": "only {weight:g}% of the weight scored, too little to grade; left out: ",
        "card_no_data": "Not graded: too few KPIs have data for this period",
        "approvals": "To approve", "approvals_note": "What HR and the team lead decide for this period, with the amounts "
        "and what earned them ({kpi_yml} sets the rules and amounts).",
        "approvals_people": "People", "approvals_team": "Team incentives", "approvals_none": "Nothing this period.",
        "decision": "Decision", "earned_in": "Earned in", "amount": "Amount", "item": "Item", "basis": "Basis",
        "bonus_pool": "Team bonus pool", "team_commission": "Team commission", "profit_share": "Profit share",
        "basis_pool": "CPL {cpl} against the target {target} on {leads} leads: savings {savings} × {share}",
        "basis_commission": "{share} of the net profit {net} plus {tier} above the profit target; {paid} paid with "
        "the month, {held} held for the year end",
        "basis_profit_share": "{year}: profit {profit} against the target {target}; {share} of what is above it",
    },
    "zh": {
        "title": "团队绩效报告", "generated": "数据截至", "overview": "团队概览", "grades": "等级分布",
        "ranking": "排名", "trend": "团队平均分趋势", "campaigns": "本期主要广告活动", "person": "个人绩效卡",
        "rank": "团队排名", "name": "姓名", "role": "岗位", "team": "团队", "total": "总分", "grade": "等级",
        "flags": "提示", "kpi": "指标", "category": "类别", "weight": "权重", "target": "目标", "actual": "实际",
        "achievement": "达成率", "points": "得分", "status": "状态", "how": "计算方法",
        "points_vs_weight": "得分与权重（已评分指标）", "own_trend": "总分趋势", "campaign": "广告活动", "channel": "渠道",
        "note": "说明",
        "no_cards": "本期没有绩效卡。", "no_team": "（未分组）",
        "provisional": "暂定：{date} 前每晚重新计算", "final": "已定稿：{date} 关闭，之后的数据不再改变",
        "month_to_date": "月初至今",
        "to_date": "暂定：截至 {date} 的数据；数量与金额类目标（线索、销售额、点击等）按已过天数折算，比率类目标不变。"
        "此页内容不定稿、不保存",
        "renormalized": "权重按已评分的 {weight:g}% 重新归一；未计入：", "extra": "加分 ",
        "swapped": "替换指标", "own_weights": "个人权重",
        "card_blocked": "未评级：追踪问题导致可评分的指标过少", "card_no_data": "未评级：本期可评分的指标数据过少",
        "next_blocked": "处理建议：错误级追踪问题阻断了本绩效卡过多的权重（见标记为“追踪问题阻断”的指标及其计算方法）。"
        "如果数据实际可用，团队负责人可为 {period} 豁免该问题（{waive}）；"
        "否则请修复追踪，{period} 在暂定期间每晚都会重新评分。已定稿的周期需先重新打开（{reopen}）。",
        "next_no_data": "处理建议：本绩效卡在 {period} 有数据的指标过少。请检查此人的负责范围（{ownership}）和人工评分"
        "（{manual}）是否已录入；{period} 在暂定期间每晚都会重新评分。",
        "not_graded": "仅 {weight:g}% 的权重得以评分，不足以评级；未计入：",
        "approvals": "待审批", "approvals_note": "人力资源与团队负责人本期需决定的事项，附金额及依据（规则与金额见 {kpi_yml}）。",
        "approvals_people": "个人", "approvals_team": "团队激励", "approvals_none": "本期无。",
        "decision": "事项", "earned_in": "依据月份", "amount": "金额", "item": "项目", "basis": "计算依据",
        "bonus_pool": "团队奖金池", "team_commission": "团队提成", "profit_share": "利润分成",
        "basis_pool": "线索成本 {cpl}，目标 {target}，线索 {leads} 条：节省 {savings} × {share}",
        "basis_commission": "净利润 {net} 的 {share}，加超出利润目标部分 {tier}；随当月发放 {paid}，留存至年终 {held}",
        "basis_profit_share": "{year} 年：利润 {profit}，目标 {target}；超出部分的 {share}",
    },
}
for flag in FLAGS:
    LABELS["en"][flag.name], LABELS["zh"][flag.name] = flag.label_en, flag.label_zh

# Channel groups (seeds/channel_group_rules.csv, GA4's default channel groups) in Chinese.
CHANNEL_GROUPS_ZH = {
    "Direct": "直接访问", "Cross-network": "跨网络", "Paid Shopping": "付费购物", "Paid Search": "付费搜索",
    "Paid Social": "付费社交", "Paid Video": "付费视频", "Display": "展示广告", "Paid Other": "其他付费",
    "Organic Shopping": "自然购物", "Organic Social": "自然社交", "Organic Video": "自然视频",
    "Organic Search": "自然搜索", "Referral": "引荐", "Email": "电子邮件", "Affiliates": "联盟推广", "Audio": "音频",
    "SMS": "短信", "Mobile Push Notifications": "移动推送", "Unassigned": "未归类", "(other)": "（其他）",
}
# The marts' own placeholder values for a channel (not a source's name).
CHANNELS = {
    "zh": {"(direct)": "（直接访问）", "(unattributed)": "（未归因）", "(not set)": "（未设置）", "(other)": "（其他）"},
    "en": {},
}

# Values of the scoring tables, by column; a value without a translation is shown as it is.
VALUES = {
    "zh": {
        "channel_group": CHANNEL_GROUPS_ZH, "channel": CHANNELS["zh"],
        "category": {"result": "结果", "process": "过程", "behaviour": "行为", "behavior": "行为", "capability": "能力"},
        "data_status": {"scored": "已评分", "no_data": "无数据", "excused": "免考", "not_due": "非本期考核",
                        "blocked": "追踪问题阻断"},
        "grade": {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"},
        "approval_status": {"to approve": "待审批", "year in progress": "年度进行中",
                            "to approve: pay out held_for_year_end": "待审批：发放年终留存部分"},
    },
    "en": {
        "data_status": {"scored": "scored", "no_data": "no data", "excused": "excused", "not_due": "not due",
                        "blocked": "blocked by tracking"},
    },
}


def metric_label(lang: str, name: str) -> str:
    """A metric's name in the language, from the registry (dbt_project.yml: mkpi_measures, mkpi_ratios,
    mkpi_profile_metrics); an unknown name as it is."""
    return metrics.label(name, lang) or name


@functools.cache
def metric_words(lang: str) -> dict[str, str]:
    """Every registry metric's name in the language: the pages' words for them, never written twice."""
    return {name: metric_label(lang, name) for name in metrics.METRICS}


@functools.cache
def report_words(lang: str) -> dict[str, str]:
    return {**metric_words(lang), **LABELS[lang]}


@functools.cache
def dashboard_words(lang: str) -> dict[str, str]:
    return {**metric_words(lang), **DASHBOARD[lang]}


def value_label(lang: str, column: str, value) -> str:
    return VALUES.get(lang, {}).get(column, {}).get(value, value) if value is not None else ""

# The channel dashboard's words (pipelines/reporting/dashboard.py).
DASHBOARD = {
    "en": {
        "title": "Channel dashboard", "as_of": "Data as of", "compared": "{start} to {end}, compared with {p_start} to {p_end}",
        "headline": "Headline", "previous": "previous", "new": "new",
        "channel_trends": "Trends per channel, weekly", "group_trends": "Trends per channel group, daily",
        "funnel": "Funnel per channel group", "session_to_lead": "session → lead",
        "lead_to_customer": "lead → new customer", "channel_group": "Channel group",
        "retention": "Customer retention by month of first order", "cohort": "First order", "month_n": "month {n}",
        "customers": "customers",
        "campaigns": "Campaigns with spend", "best_cpl": "Lowest CPL", "worst_cpl": "Highest CPL (no lead first)",
        "best_roi": "Highest ROI", "worst_roi": "Lowest ROI", "channel": "Channel", "campaign": "Campaign",
        "tracking": "Tracking health", "no_issues": "No open tracking issues.", "severity": "Severity",
        "check": "Check", "rows": "Rows", "fix": "What is wrong and how to fix it",
        "checks_doc": "Each check is explained in", "source": "Source:", "no_data": "No data for this period.",
        "error": "Error", "warn": "Warning", "info": "Info", "(other)": "(other)",
        "to_date": "month to date", "partial": "Partial month: the days up to {end} only, compared with the same days "
        "of the month before. Figures will still change.", "link_month": "Last complete month",
        "link_to_date_page": "This month to date", "link_other_lang": "中文", "blended": "blended: all channels",
        "paid_only": "paid channels only:", "all_channels": "all channels",
        "tiles_note": "Blended ratios divide all spend by every channel's leads, customers or revenue (organic "
        "included); \"paid channels only\" counts only the channels with spend in the period.",
        "channels": "Channel performance", "channels_note": "Click a column to sort. A cost ratio is — where no "
        "spend is recorded (not free, unknown). Changes compare with the same days of the month before.",
        "csv": "The same table as CSV:", "markers_note": "A red mark on a chart is a tracking issue of at most 7 "
        "days (a drop, an outlier) on that day or week; hover it for the check. Longer issues are listed below.",
        "retention_note": "Cohorts and months up to {end}.",
        "retention_partial": "The last month's cells count the month to date.",
        "campaigns_note": "All {n} campaigns with spend in the period; click a column to sort.",
        "tracking_note": "Issues found by the checks on the run of {as_of} that fall on {start} – {end}.",
        "days": "Days",
        "attribution": "Attribution models compared, leads of {month}",
        "attribution_note": "Each model shares every lead of the month among the channels its journey touched "
        "(docs/attribution.md); lead_source is the rule of every other table on this page. The small figure is "
        "the change against lead_source. Revenue counts the leads' orders before {as_of}.",
        "attributed_leads": "Attributed leads",
        "lead_source": "lead source", "first_touch": "first touch", "last_touch": "last touch",
        "last_non_direct": "last non-direct", "linear": "linear", "position_based": "position-based",
        "time_decay": "time decay", "data_driven": "data-driven",
    },
    "zh": {
        "title": "渠道看板", "as_of": "数据截至", "compared": "{start} 至 {end}，对比 {p_start} 至 {p_end}",
        "headline": "核心指标", "previous": "上期", "new": "新增",
        "channel_trends": "各渠道趋势（按周）", "group_trends": "各渠道分组趋势（按日）",
        "funnel": "各渠道分组转化漏斗", "session_to_lead": "访问转线索率",
        "lead_to_customer": "线索转新客户率", "channel_group": "渠道分组",
        "retention": "按首单月份的客户留存", "cohort": "首单月份", "month_n": "第 {n} 月", "customers": "位客户",
        "campaigns": "有花费的广告活动", "best_cpl": "线索成本最低", "worst_cpl": "线索成本最高（无线索者优先）",
        "best_roi": "投资回报率最高", "worst_roi": "投资回报率最低", "channel": "渠道", "campaign": "广告活动",
        "tracking": "追踪健康度", "no_issues": "没有未解决的追踪问题。", "severity": "级别", "check": "检查项",
        "rows": "影响行数", "fix": "问题与修复方法", "checks_doc": "各检查项的说明见", "source": "来源：",
        "no_data": "本期无数据。", "error": "错误", "warn": "警告", "info": "提示", "(other)": "（其他）",
        "to_date": "月初至今", "partial": "未满月：仅含截至 {end} 的数据，对比上月同期天数。数字仍会变化。",
        "link_month": "上一个完整月", "link_to_date_page": "本月至今", "link_other_lang": "English",
        "blended": "综合：全部渠道", "paid_only": "仅付费渠道：", "all_channels": "全部渠道",
        "tiles_note": "综合比率以全部花费除以所有渠道（含自然流量）的线索、客户或销售额；“仅付费渠道”只计本期有花费的渠道。",
        "channels": "渠道表现", "channels_note": "点击列名排序。没有记录花费的行，成本类比率显示为 —（不是免费，而是未知）。"
        "变化与上月同期天数相比。", "csv": "同一表格的 CSV：",
        "markers_note": "图上的红色标记表示当天（或当周）有持续不超过 7 天的追踪问题（骤降、异常值）；鼠标悬停可查看检查项。"
        "更长的问题见下方列表。",
        "retention_note": "截至 {end} 的首单月份与月份。", "retention_partial": "最后一个月的格子只统计月初至今。",
        "campaigns_note": "本期有花费的全部 {n} 个广告活动；点击列名排序。",
        "tracking_note": "{as_of} 运行的检查所发现、落在 {start} 至 {end} 的问题。", "days": "日期",
        "attribution": "归因模型对比：{month} 的线索",
        "attribution_note": "每个模型把当月每条线索按其路径触达过的渠道分配（见归因说明文档）；"
        "“线索来源”是本页其他表格所用的规则。小字为相对“线索来源”的变化。销售额计入这些线索在 {as_of} 之前的订单。",
        "attributed_leads": "归因线索数",
        "lead_source": "线索来源", "first_touch": "首次触达", "last_touch": "末次触达",
        "last_non_direct": "末次非直接", "linear": "线性", "position_based": "位置加权",
        "time_decay": "时间衰减", "data_driven": "数据驱动",
    },
}
