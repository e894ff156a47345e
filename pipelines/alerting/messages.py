"""What an alert says, independent of where it goes."""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITY_RANK = {"info": 0, "warn": 1, "error": 2}
# An alert's own words per language (mkpi.yml alerts.language); the issues' titles and messages come in
# the same language from marts.fct_tracking_issues.
WORDS = {
    "en": {"title": "mkpi: {n} new or worse tracking issue(s) as of {as_of}",
           "intro": "Broken tracking found in last night's data ({counts}). Numbers that depend on it may be wrong.",
           "pointer": "All issues: SELECT * FROM marts.fct_tracking_issues  (in {warehouse})",
           "more": "... and {n} more", "everywhere": "all channels", "failed": "mkpi: the {job} run failed",
           "kept": "The published warehouse was left as it was; analysts see the previous night's data.",
           "severity": {"error": "ERROR", "warn": "WARN", "info": "INFO"}},
    "zh": {"title": "mkpi：截至 {as_of}，有 {n} 个新出现或加重的追踪问题",
           "intro": "昨晚的数据中发现追踪问题（{counts}），依赖这些数据的数字可能有误。",
           "pointer": "全部问题：SELECT * FROM marts.fct_tracking_issues（{warehouse}）",
           "more": "……另有 {n} 个", "everywhere": "全部渠道", "failed": "mkpi：{job} 运行失败",
           "kept": "已发布的数据仓库保持不变；分析师看到的是前一晚的数据。",
           "severity": {"error": "错误", "warn": "警告", "info": "提示"}},
}
# Characters that make chat markdown a link, an image, a mention, HTML, code or a heading, as look-alikes
# that read the same: text from the data (utm values, campaign names, file names) stays text. `_` is kept
# so utm values read as typed: it can at most make a word italic.
_LOOKALIKES = str.maketrans({"[": "［", "]": "］", "(": "（", ")": "）", "<": "‹", ">": "›", "@": "＠", "`": "ˋ",
                             "!": "ǃ", "\\": "＼", "*": "∗", "#": "＃", "|": "｜", "~": "～"})


def defang(text: str) -> str:
    """An address in the data that no chat client turns into a link: links come only from mkpi.yml."""
    return text.replace("://", ":／／").replace("www.", "www．")


def inert(text: str) -> str:
    """Text from the data as chat markdown shows it literally (DingTalk, WeCom)."""
    return defang(str(text)).translate(_LOOKALIKES)


@dataclass(frozen=True)
class Issue:
    issue_key: str
    check_name: str
    severity: str
    channel: str | None
    campaign: str | None
    rows_affected: int
    spend_affected: float | None
    message: str
    title: str = ""  # the check's title in the alert's language
    everywhere: str = "all channels"

    @property
    def label(self) -> str:
        return self.title or self.check_name

    @property
    def where(self) -> str:
        return " / ".join(p for p in (self.channel, self.campaign) if p) or self.everywhere


@dataclass(frozen=True)
class Alert:
    title: str
    intro: str
    groups: dict[str, list[Issue]] = field(default_factory=dict)  # severity → issues, most severe first
    pointer: str = ""
    hidden: int = 0  # issues left out of the message to keep it short
    language: str = "en"

    def severity(self, severity: str) -> str:
        return WORDS[self.language]["severity"][severity]

    @property
    def more(self) -> str:
        return WORDS[self.language]["more"].format(n=self.hidden) if self.hidden else ""

    def lines(self, title="{}", heading="{severity} ({count})", item="- [{check}] {where}: {message}",
              pointer="{}", escape=str) -> list[str]:
        """The alert as lines, each part through its template: plain text by default, Markdown for chat bots;
        every value from the data passes through `escape` (the templates are the only markup; the pointer is
        mkpi's own text)."""
        out = [title.format(escape(self.title)), escape(self.intro)]
        for severity, issues in self.groups.items():
            out.append(heading.format(severity=self.severity(severity), count=len(issues)))
            out += [item.format(check=escape(i.label), where=escape(i.where), message=escape(i.message))
                    for i in issues]
        if self.hidden:
            out.append(self.more)
        if self.pointer:
            out.append(pointer.format(self.pointer))
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


def tracking_alert(issues: list[Issue], *, as_of: str, warehouse: str, top: int = 5, landing: str = "",
                   language: str = "en") -> Alert:
    """One message for the run: new or worsened issues grouped by severity, the top rows of each;
    `landing`: a line on the rows and files the night left out."""
    words = WORDS[language]
    ordered = sorted(issues, key=lambda i: (-SEVERITY_RANK[i.severity], -i.rows_affected, i.issue_key))
    groups: dict[str, list[Issue]] = {}
    for issue in ordered:
        groups.setdefault(issue.severity, []).append(issue)
    shown = {severity: items[:top] for severity, items in groups.items()}
    hidden = sum(len(items) - len(shown[s]) for s, items in groups.items())
    counts = ", ".join(f"{len(items)} {words['severity'][s] if language != 'en' else s}" for s, items in groups.items())
    return Alert(
        title=words["title"].format(n=len(issues), as_of=as_of),
        intro=words["intro"].format(counts=counts) + (f"\n{landing}" if landing else ""),
        groups=shown,
        pointer=words["pointer"].format(warehouse=warehouse),
        hidden=hidden,
        language=language,
    )


def failure_alert(job: str, error: str, *, where: str, language: str = "en") -> Alert:
    words = WORDS[language]
    return Alert(title=words["failed"].format(job=job), intro=f"{error}\n{words['kept']}", pointer=where,
                 language=language)


def sample_alert() -> Alert:
    sample = Issue("test", "test_message", "info", "示例渠道", None, 0, None,
                   "This is a test from `mkpi alert --test`: if you can read this (and 这段中文), the sink works.")
    return Alert(title="mkpi: test alert", intro="Nothing is wrong.", groups={"info": [sample]})
