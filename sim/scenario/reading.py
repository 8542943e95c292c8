"""Every file the program reads, read one way, so that every kind of bad file is refused the same way: a
one-line InputError naming the file, before anything is parsed or run.

`read_text` opens only a regular file (not a directory, device, FIFO or socket; a symlink loop is refused),
within a size limit, and decodes it: UTF-8 with or without a byte-order mark, UTF-16 or UTF-32 (with a mark,
or UTF-16 without one), or Windows-1252 (what Excel writes on Windows); anything else, or binary data, is
refused naming the encoding tried. `read_yaml` then parses YAML safely (no Python tags; `!replace` is the one
tag of our own), refusing duplicate keys (naming the key and both lines), aliases that expand beyond a limit
or refer to themselves, and nesting beyond a limit, all before any value is built. `read_csv` gives a table
of text. Messages never echo more than a few characters of the input.
"""

import codecs
import errno
import io
import os
import re
import stat
from pathlib import Path

import yaml

from sim.scenario.errors import InputError

KB, MB = 1024, 1024 * 1024
MAX_YAML_BYTES = 1 * MB  # a scenario is about 10 kB; a calibrated one about 20 kB
MAX_TABLE_BYTES = 512 * MB  # an SSDA903 episodes table of a large authority over many years is tens of MB
MAX_YAML_NODES = 100_000  # values after expanding aliases; a scenario has about 600
MAX_YAML_DEPTH = 40  # a scenario nests about 6 deep
ECHO_CHARACTERS = 40

BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # control characters no text file holds (tab, newlines, form feed do)
BINARY_BYTES = re.compile(BINARY.pattern.encode())
MERGE_TAG = "tag:yaml.org,2002:merge"
REPLACE_TAG = "!replace"


class Replace(dict):
    """A mapping tagged `!replace`: under `extends:` it replaces the parent's mapping instead of merging into it."""


def read_text(path, limit: int = MAX_YAML_BYTES) -> str:
    """The text of the regular file at `path`, decoded (see the module's docstring)."""
    return decode(read_bytes(path, limit), path)


def read_bytes(path, limit: int) -> bytes:
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block the open
    except OSError as error:
        raise InputError(path, "", _open_problem(error)) from None
    kind = _kind(os.fstat(descriptor).st_mode)
    if kind:
        os.close(descriptor)
        raise InputError(path, "", f"is {kind}, not a file")
    with os.fdopen(descriptor, "rb") as file:
        try:
            data = file.read(limit + 1)
        except OSError as error:
            raise InputError(path, "", f"cannot be read ({error.strerror})") from None
    if len(data) > limit:
        raise InputError(path, "", f"is larger than the limit of {_size(limit)} for this kind of file")
    return data


def decode(data: bytes, path) -> str:
    for mark, codec, name in BOMS:
        if data.startswith(mark):
            return _decoded(data[len(mark):], codec, name, path)
    if b"\x00" in data[:4096] and not BINARY_BYTES.search(data[:4096].replace(b"\x00", b"")):
        return _decoded(data, _utf16_without_mark(data), "UTF-16", path)
    found = BINARY_BYTES.search(data)
    if found:
        line = data.count(b"\n", 0, found.start()) + 1
        raise InputError(path, "", f"line {line}: holds a control character ({echo(found.group().decode('ascii'))}): "
                                   "binary data, not a text file")
    try:
        return _text(data.decode("utf-8"), "UTF-8", path)
    except UnicodeDecodeError:
        pass
    try:
        return _text(data.decode("cp1252"), "Windows-1252", path)
    except UnicodeDecodeError:
        raise InputError(path, "", "is neither UTF-8 nor Windows-1252 text; save it as UTF-8") from None


def read_yaml(path, contents: str = "scenario keys") -> dict:
    """The mapping at the top of a YAML file; mappings tagged `!replace` come back as `Replace`."""
    raw = parse_yaml(read_text(path, MAX_YAML_BYTES), path)
    if raw is None:
        raise InputError(path, "", f"is empty; expected a mapping of {contents}")
    if not isinstance(raw, dict):
        raise InputError(path, "", f"expected a mapping of {contents} at the top level, got {_kind_of(raw)}")
    return raw


def parse_yaml(text: str, source):
    """The value of one YAML document (None if empty), with every check of `read_yaml`; errors name `source`."""
    loader = _Loader(text, source)
    try:
        _check_depth(text, source)
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, source)
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise InputError(source, "", _yaml_problem(error)) from None
    finally:
        loader.dispose()


def read_csv(path, limit: int = MAX_TABLE_BYTES, dtype=str):
    """A CSV file (comma-separated, a header row), every value as text unless `dtype` (as pandas takes it)
    says otherwise; a blank is missing."""
    import pandas as pd  # not every command reads tables

    text = read_text(path, limit)
    try:
        return pd.read_csv(io.StringIO(text), dtype=dtype)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        problem = str(error).strip().splitlines()[0] if str(error).strip() else "no header row"
        raise InputError(path, "", f"not a readable CSV table ({echo(problem, 80)})") from None


def echo(text, limit: int = ECHO_CHARACTERS) -> str:
    """A piece of input for a message: at most `limit` characters, control characters shown as escapes."""
    text = str(text)
    shortened = text if len(text) <= limit else text[:limit - 3] + "..."
    return shortened.encode("unicode_escape").decode("ascii") if BINARY.search(shortened) else shortened


def _open_problem(error: OSError) -> str:
    known = {
        errno.ENOENT: "file not found",
        errno.ELOOP: "is a symbolic link that leads back to itself (a symlink loop)",
        errno.ENAMETOOLONG: "the file name is too long",
        errno.EACCES: "cannot be read (permission denied)",
        errno.ENOTDIR: "file not found (a part of the path is not a directory)",
    }
    return known.get(error.errno, f"cannot be read ({error.strerror})")


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket or other special file"


def _size(count: int) -> str:
    return f"{count // MB} MB" if count >= MB else f"{count // KB} kB"


def _utf16_without_mark(data: bytes) -> str:
    """UTF-16 text of mostly ASCII characters has a zero in every other byte: the odd ones if little-endian."""
    even, odd = data[0:4096:2].count(0), data[1:4096:2].count(0)
    return "utf-16-le" if odd >= even else "utf-16-be"


def _decoded(data: bytes, codec: str, name: str, path) -> str:
    try:
        return _text(data.decode(codec), name, path)
    except UnicodeDecodeError:
        raise InputError(path, "", f"looks like {name} text but is not valid {name}; save it as UTF-8") from None


def _text(text: str, encoding: str, path) -> str:
    found = BINARY.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise InputError(path, "", f"line {line}: holds a control character ({echo(found.group())}) read as "
                                   f"{encoding}: binary data, not a text file")
    return text


def _kind_of(value) -> str:
    return {list: "a list", str: "text", type(None): "nothing"}.get(type(value), f"a {type(value).__name__}")


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing duplicate keys, keeping an impossible date as text (the schema then says
    which key wants a date), and knowing `!replace`."""

    def __init__(self, text: str, path):
        super().__init__(text)
        self.path = path

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(None, None, "expected a mapping", node.start_mark)
        lines = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key, line = self.construct_object(key_node, deep=True), key_node.start_mark.line + 1
            try:
                first = lines.get(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(None, None, "a key must be a single value, not a list or "
                                                        "a mapping", key_node.start_mark) from None
            if first is not None:
                raise InputError(self.path, echo(key), f"given twice, on lines {first} and {line}; give each key once")
            lines[key] = line
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2020-13-01 looks like a date to YAML but is none
            return self.construct_scalar(node)

    def construct_replace(self, node):
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(None, None, f"{REPLACE_TAG} goes on a mapping (key: value "
                                                    "pairs); a list or a single value always replaces", node.start_mark)
        replaced = Replace()
        yield replaced
        replaced.update(self.construct_mapping(node))

    def construct_undefined(self, node):
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise yaml.constructor.ConstructorError(None, None, f"the tag {echo(tag, 60)} is not allowed: these files "
                                                f"hold plain values (the one tag allowed is {REPLACE_TAG}, on a "
                                                "mapping under extends:)", node.start_mark)


_Loader.add_implicit_resolver(  # YAML 1.2's floats: 1e3 and 4.2e2 are numbers (YAML 1.1 makes them text)
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."))
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor(REPLACE_TAG, _Loader.construct_replace)
_Loader.add_constructor(None, _Loader.construct_undefined)


def _check_depth(text: str, path) -> None:
    """Refuse nesting deeper than MAX_YAML_DEPTH from the parser's events, before composing (which recurses)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise InputError(path, "", f"line {event.start_mark.line + 1}: nested more than {MAX_YAML_DEPTH} "
                                           "levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_expansion(root, path) -> None:
    """Refuse, before any value is built, a document whose aliases expand to more than MAX_YAML_NODES values
    (an alias bomb), an alias inside what it names (it never ends), or nesting deeper than MAX_YAML_DEPTH
    through aliases."""
    sizes = {}

    def expanded(node, depth: int, open_nodes: set) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in open_nodes:
            raise InputError(path, "", f"line {node.start_mark.line + 1}: an alias refers to the anchor it is "
                                       "inside, so the value never ends")
        if depth > MAX_YAML_DEPTH:
            raise InputError(path, "", f"line {node.start_mark.line + 1}: nested more than {MAX_YAML_DEPTH} "
                                       "levels deep")
        open_nodes.add(id(node))
        children = node.value if isinstance(node, yaml.SequenceNode) else \
            [part for pair in node.value for part in pair] if isinstance(node, yaml.MappingNode) else ()
        total = 1
        for child in children:
            total += expanded(child, depth + 1, open_nodes)
            if total > MAX_YAML_NODES:
                raise InputError(path, "", f"expands to more than {MAX_YAML_NODES:,} values (aliases repeating "
                                           "aliases); write the values out")
        open_nodes.discard(id(node))
        sizes[id(node)] = total
        return total

    expanded(root, 0, set())


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = getattr(error, "problem", None) or "not valid YAML"
    if isinstance(error, yaml.constructor.ConstructorError):
        return f"{where}{problem}"
    return f"{where}YAML syntax error: {echo(problem, 80)}"


def real_path(path) -> Path:
    """The file's path with every symbolic link followed, as far as it can be (a loop is left for the read to
    refuse): two names of one file give one real path."""
    return Path(os.path.realpath(path))
