"""What an alert says, independent of where it goes."""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITY_RANK = {"info": 0, "warn": 1, "error": 2}
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

    @property
    def where(self) -> str:
        return " / ".join(p for p in (self.channel, self.campaign) if p) or "all channels"


@dataclass(frozen=True)
class Alert:
    title: str
    intro: str
    groups: dict[str, list[Issue]] = field(default_factory=dict)  # severity → issues, most severe first
    pointer: str = ""
    hidden: int = 0  # issues left out of the message to keep it short

    def lines(self, title="{}", heading="{severity} ({count})", item="- [{check}] {where}: {message}",
              pointer="{}", escape=str) -> list[str]:
        """The alert as lines, each part through its template: plain text by default, Markdown for chat bots;
        every value from the data passes through `escape` (the templates are the only markup; the pointer is
        mkpi's own text)."""
        out = [title.format(escape(self.title)), escape(self.intro)]
        for severity, issues in self.groups.items():
            out.append(heading.format(severity=severity.upper(), count=len(issues)))
            out += [item.format(check=escape(i.check_name), where=escape(i.where), message=escape(i.message))
                    for i in issues]
        if self.hidden:
            out.append(f"... and {self.hidden} more")
        if self.pointer:
            out.append(pointer.format(self.pointer))
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


def tracking_alert(issues: list[Issue], *, as_of: str, warehouse: str, top: int = 5, landing: str = "") -> Alert:
    """One message for the run: new or worsened issues grouped by severity, the top rows of each;
    `landing`: a line on the rows and files the night left out."""
    ordered = sorted(issues, key=lambda i: (-SEVERITY_RANK[i.severity], -i.rows_affected, i.issue_key))
    groups: dict[str, list[Issue]] = {}
    for issue in ordered:
        groups.setdefault(issue.severity, []).append(issue)
    shown = {severity: items[:top] for severity, items in groups.items()}
    hidden = sum(len(items) - len(shown[s]) for s, items in groups.items())
    counts = ", ".join(f"{len(items)} {s}" for s, items in groups.items())
    return Alert(
        title=f"mkpi: {len(issues)} new or worse tracking issue(s) as of {as_of}",
        intro=f"Broken tracking found in last night's data ({counts}). Numbers that depend on it may be wrong."
              + (f"\n{landing}" if landing else ""),
        groups=shown,
        pointer=f"All issues: SELECT * FROM marts.fct_tracking_issues  (in {warehouse})",
        hidden=hidden,
    )


def failure_alert(job: str, error: str, *, where: str) -> Alert:
    return Alert(
        title=f"mkpi: the {job} run failed",
        intro=f"{error}\nThe published warehouse was left as it was; analysts see the previous night's data.",
        pointer=where,
    )


def sample_alert() -> Alert:
    sample = Issue("test", "test_message", "info", "示例渠道", None, 0, None,
                   "This is a test from `mkpi alert --test`: if you can read this (and 这段中文), the sink works.")
    return Alert(title="mkpi: test alert", intro="Nothing is wrong.", groups={"info": [sample]})
