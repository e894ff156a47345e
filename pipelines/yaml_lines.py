"""YAML loaded together with the line of every value, so configuration errors can name the line."""

from __future__ import annotations

from pathlib import Path

import yaml


def first_repeat(node: yaml.MappingNode) -> tuple[str, int, int] | None:
    """The first key written twice in one mapping, its line and the first one's line: YAML itself would
    silently keep the last value."""
    seen: dict[str, int] = {}
    for key_node, _ in node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key in seen:
            return key, line, seen[key]
        seen[key] = line
    return None


class LocatedYaml:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.lines: dict[tuple, int] = {}
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ValueError(f"{self.path}: the file does not exist") from None
        except (OSError, UnicodeDecodeError) as err:
            raise ValueError(f"{self.path}: the file cannot be read as UTF-8 text ({type(err).__name__})") from None
        try:
            node = yaml.compose(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            raise ValueError(f"{self.path}{f', line {mark.line + 1}' if mark else ''}: not valid YAML "
                             f"({getattr(err, 'problem', err)})") from None
        self.data = self._build(node, ()) if node is not None else {}

    def _build(self, node, path: tuple):
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            repeated = first_repeat(node)
            if repeated:
                key, line, first = repeated
                raise ValueError(f"{self.path}, line {line}: '{key}' appears twice here (first on line {first}); keep one")
            return {str(k.value): self._build(v, path + (str(k.value),)) for k, v in node.value}
        if isinstance(node, yaml.SequenceNode):
            return [self._build(v, path + (i,)) for i, v in enumerate(node.value)]
        return yaml.safe_load(yaml.serialize(node))

    def where(self, path: tuple) -> str:
        """'kpi.yml, line 12, roles.sem.kpis[2].weight' for the nearest located part of `path`."""
        line = next((self.lines[path[:n]] for n in range(len(path), -1, -1) if path[:n] in self.lines), None)
        dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        return f"{self.path}" + (f", line {line}" if line else "") + (f", {dotted}" if dotted else "")


def non_negative_number(value):
    """A setting's number of 0 or more, or a one-line ValueError the caller places in its file."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{value!r} is not a non-negative number")
    return value
