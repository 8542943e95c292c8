"""Where each figure of a scenario comes from: the comment beside (or just above) its key in the file that sets
it, following `extends:` to the file that gave the value. Shipped scenarios cite figures.csv ("figures: area,
parameter, period") or an assumption id ("assumption A9") there; a key without a comment of its own takes its
section's."""

import re
from pathlib import Path

import yaml

from sim.scenario.files import MAX_EXTENDS
from sim.scenario.reading import read_text

COMMENT = re.compile(r"(?:^|\s)#\s?(.*)$")


def sources(path: Path) -> list[dict[str, str]]:
    """For each file of the `extends:` chain, the file first: key path -> its comment ('' without one), for every
    key the file sets."""
    chain, found = [], []
    while path is not None and path not in chain and len(chain) < MAX_EXTENDS:
        chain.append(path)
        text = read_text(path)
        found.append(_comments(text))
        parent = _extends(text)
        path = path.parent / parent if parent else None
    return found


def source(found: list, key_path: str) -> str | None:
    """The comment of `key_path` in the file that sets it, or of its nearest section there that has one; None
    when no file sets it (the program's default)."""
    parts = key_path.split(".")
    for comments in found:
        if key_path in comments:
            return next((comments[".".join(parts[:end])] for end in range(len(parts), 0, -1)
                         if comments.get(".".join(parts[:end]))), "")
    return None


def _extends(text: str) -> str | None:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "extends" and isinstance(value, yaml.ScalarNode):
                return value.value
    return None


def _comments(text: str) -> dict[str, str]:
    lines = text.splitlines()
    found = {}
    for key_path, line in _key_lines(yaml.compose(text, Loader=yaml.SafeLoader), ()):
        comment = _comment(lines[line]) if not lines[line].lstrip().startswith("#") else ""
        above = []
        for earlier in range(line - 1, -1, -1):  # a block of comment lines right above the key
            if not lines[earlier].lstrip().startswith("#"):
                break
            above.insert(0, _comment(lines[earlier]))
        found[key_path] = " ".join(part for part in (comment, " ".join(above)) if part)
    return found


def _key_lines(node, path: tuple):
    """(key path, line) of every mapping key, nested mappings included."""
    if not isinstance(node, yaml.MappingNode):
        return
    for key, value in node.value:
        here = (*path, str(key.value))
        yield ".".join(here), key.start_mark.line
        yield from _key_lines(value, here)


def _comment(line: str) -> str:
    found = COMMENT.search(line)
    return found.group(1).strip() if found else ""
