"""YAML with a comment on any key: a nested mapping whose values may be wrapped in `Commented`.

yaml.safe_dump cannot write comments, so this renders the few kinds of value
a scenario holds itself: a mapping is written as a block when it holds a
mapping, a list or a commented value, otherwise on one line, like everything else.
A comment goes at the end of its key's line, or above the key when too long.
"""

import datetime as dt
import json
import numbers
import re
import textwrap
from dataclasses import dataclass

WIDTH = 110
PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


@dataclass(frozen=True)
class Commented:
    value: object
    comment: str = ""
    counts: bool = False  # the value holds counts of children (suppressed when small in published reports)


def render(tree: dict, header: str = "") -> str:
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    return "\n".join([*lines, *_block(tree, 0)]) + "\n"


def commented_items(tree: dict, path: tuple = ()):
    """(key path, Commented) of every commented value, in the order written."""
    for key, node in tree.items():
        if isinstance(node, Commented):
            yield (*path, key), node
        value = node.value if isinstance(node, Commented) else node
        if isinstance(value, dict):
            yield from commented_items(value, (*path, key))


def scalar(value) -> str:
    """A value on one line, as YAML reads it back."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(key)}: {scalar(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(scalar(item) for item in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        text = repr(float(value))
        return f"{value:.12f}".rstrip("0") if "e" in text else text
    if isinstance(value, dt.date):
        return str(value)
    return value if PLAIN.match(value) and value.lower() not in YAML_WORDS else json.dumps(value)


def _block(tree: dict, indent: int) -> list[str]:
    lines, pad = [], " " * indent
    for key, node in tree.items():
        value, comment = (node.value, node.comment) if isinstance(node, Commented) else (node, "")
        head = f"{pad}{scalar(key)}:"
        if _is_block(value):
            if indent == 0 and lines:
                lines.append("")
            lines += _commented(head, comment, pad) + _block(value, indent + 2)
        else:
            lines += _commented(f"{head} {scalar(value)}", comment, pad)
    return lines


def _is_block(value) -> bool:
    return isinstance(value, dict) and any(isinstance(item, (dict, list, tuple, Commented)) for item in value.values())


def _commented(line: str, comment: str, pad: str) -> list[str]:
    if not comment:
        return [line]
    if len(line) + len(comment) + 4 <= WIDTH:
        return [f"{line}  # {comment}"]
    return [f"{pad}# {part}" for part in textwrap.wrap(comment, WIDTH - len(pad) - 2)] + [line]
