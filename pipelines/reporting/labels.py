"""Report labels in English and Chinese."""

from pipelines.scoring.flags import FLAGS

LABELS = {
    "en": {
        "title": "Team KPI report", "generated": "Data as of", "overview": "Team overview",
        "grades": "Grade distribution", "ranking": "Ranking", "trend": "Team average over periods",
        "campaigns": "Top campaigns this period", "person": "Scorecard", "rank": "Rank", "name": "Name",
        "role": "Role", "team": "Team", "total": "Total", "grade": "Grade", "flags": "Flags", "kpi": "KPI",
        "category": "Category", "weight": "Weight", "target": "Target", "actual": "Actual",
        "achievement": "Achievement", "points": "Points", "status": "Status", "how": "How it was computed",
        "points_vs_weight": "Points vs weight", "own_trend": "Total over periods", "campaign": "Campaign",
        "channel": "Channel", "spend": "Spend", "leads": "Leads", "cpl": "CPL", "note": "Note",
        "blocked": "Not scored: broken tracking covers this period", "no_cards": "No scorecards for this period.",
        **{f.name: f.label_en for f in FLAGS},
    },
    "zh": {
        "title": "团队绩效报告", "generated": "数据截至", "overview": "团队概览", "grades": "等级分布",
        "ranking": "排名", "trend": "团队平均分趋势", "campaigns": "本期主要广告活动", "person": "个人绩效卡",
        "rank": "排名", "name": "姓名", "role": "岗位", "team": "团队", "total": "总分", "grade": "等级",
        "flags": "提示", "kpi": "指标", "category": "类别", "weight": "权重", "target": "目标", "actual": "实际",
        "achievement": "达成率", "points": "得分", "status": "状态", "how": "计算方法",
        "points_vs_weight": "得分与权重", "own_trend": "总分趋势", "campaign": "广告活动", "channel": "渠道",
        "spend": "花费", "leads": "线索", "cpl": "线索成本", "note": "说明",
        "blocked": "未评分：本期追踪数据有误", "no_cards": "本期没有绩效卡。",
        **{f.name: f.label_zh for f in FLAGS},
    },
}
GRADE_NAMES = {"zh": {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}}
