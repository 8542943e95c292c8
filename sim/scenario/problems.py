"""What is wrong with a file, in plain words: every problem a validation found (up to MAX_LISTED), each with
the key to fix, on one line. Pydantic's own wording ("Input should be a valid number") never reaches a user."""

import difflib
import reprlib
import types
import typing

from pydantic import BaseModel, ValidationError

from sim.scenario.errors import InputError

MAX_LISTED = 10
AGE_BAND_KEYS = ("0-4", "5-10", "11-15", "16-17")
TYPE_WORDS = {
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected text",
    "date_type": "expected a date such as 2021-04-01",
    "date_parsing": "expected a date such as 2021-04-01",
    "date_from_datetime_inexact": "expected a date such as 2021-04-01, not a date and time",
    "date_from_datetime_parsing": "expected a date such as 2021-04-01",
    "dict_type": "expected a mapping of keys to values",
    "model_type": "expected a section of keys and values",
    "model_attributes_type": "expected a section of keys and values",
    "tuple_type": "expected a list",
    "list_type": "expected a list",
    "missing": "required",
    "finite_number": "expected a finite number (not infinity or NaN)",
}
BOUND_WORDS = {
    "greater_than_equal": ("ge", "expected at least {}"),
    "greater_than": ("gt", "expected more than {}"),
    "less_than_equal": ("le", "expected at most {}"),
    "less_than": ("lt", "expected less than {}"),
}
_echo = reprlib.Repr()  # bounded however large or deep the value (an alias bomb's expansion, say)
_echo.maxlevel, _echo.maxdict, _echo.maxlist, _echo.maxtuple, _echo.maxstring, _echo.maxother, _echo.maxlong = (
    2, 3, 3, 3, 40, 40, 30)


def validation_error(error: ValidationError, source: str, overridden=frozenset(), root=None) -> InputError:
    """Every problem of a validation error of a `root` model (a pydantic model class) on one line naming
    `source`, marked "(with --set)" when a problem's key came from --set."""
    problems = plain_problems(error, root)
    if any(_overridden(key, overridden) for key, _ in problems):
        source += " (with --set)"
    return listed(source, problems)


def listed(source: str, problems: list) -> InputError:
    """One InputError for (key, message) problems: the first as its key and message, every other after it."""
    (key, message), rest = problems[0], problems[1:MAX_LISTED]
    more = len(problems) - MAX_LISTED
    text = message + "".join(f"; {other}: {said}" if other else f"; {said}" for other, said in rest)
    if more > 0:
        text += f"; and {more} more problem{'s' * (more > 1)}"
    return InputError(source, key, text, problems)


def plain_problems(error: ValidationError, root=None) -> list:
    """(key path, plain message) of each problem: unknown keys first (a misspelt key is also reported missing,
    and the spelling is the fix); a problem repeated in every age band once, at the figure's key."""
    details = _one_union_member(error.errors())
    unknown = [d for d in details if d["type"] == "extra_forbidden"]
    suggested = set()
    problems = []
    for detail in unknown:
        loc = _user_loc(detail["loc"])
        valid = _valid_keys(loc[:-1], root)
        near = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.5)
        suggested.update((loc[:-1], name) for name in near)
        hint = f"did you mean '{near[0]}'?" if near else f"expected one of: {', '.join(valid)}" if valid else ""
        problems.append((_key(loc), "unknown key" + (f"; {hint}" if hint else "")))
    others = [d for d in details if d["type"] != "extra_forbidden"]
    others = [d for d in others if not (d["type"] == "missing" and _split(d["loc"]) in suggested)]
    problems += _bands_collapsed([(_user_loc(d["loc"]), _message(d)) for d in others])
    return list(dict.fromkeys(problems))


def shown(value) -> str:
    """A value a user wrote, short, as YAML would show it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    return _echo.repr(value)


def _message(detail: dict) -> str:
    kind, context = detail["type"], detail.get("ctx") or {}
    got = f" (got {shown(detail['input'])})" if "input" in detail else ""
    if kind in TYPE_WORDS:
        return TYPE_WORDS[kind] + ("" if kind == "missing" else got)
    if kind in BOUND_WORDS:
        name, words = BOUND_WORDS[kind]
        return words.format(_number(context.get(name))) + got
    if kind == "literal_error":
        prefix = "not a valid key; " if "[key]" in detail["loc"] else ""
        return f"{prefix}expected {_either(context.get('expected', ''))}{got}"
    if kind in ("too_short", "too_long"):
        bound = context.get("min_length" if kind == "too_short" else "max_length")
        items = "character" if detail["input"].__class__ is str else "item"
        words = "at least" if kind == "too_short" else "at most"
        return f"expected {words} {bound} {items}{'s' * (bound != 1)}, got {context.get('actual_length')}"
    if kind in ("string_too_short", "string_too_long"):
        words = "at least" if kind == "string_too_short" else "at most"
        bound = context.get("min_length" if kind == "string_too_short" else "max_length")
        return f"expected {words} {bound} characters{got}"
    message = detail["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if message.startswith("Input should be"):
        message = message.replace("Input should be a valid", "expected a", 1).replace("Input should be", "expected", 1)
        return message + got
    return message


def _either(expected: str) -> str:
    """Pydantic's "'a', 'b' or 'c'" as "one of: a, b, c"."""
    choices = [part.strip().strip("'") for part in expected.replace(" or ", ", ").split(",")]
    return choices[0] if len(choices) == 1 else "one of: " + ", ".join(choices)


def _number(value) -> str:
    return f"{value:,g}" if isinstance(value, float) else f"{value:,}" if isinstance(value, int) else str(value)


def _bands_collapsed(problems: list) -> list:
    """A message given for all four age bands of one key, for the same reason, once at that key."""
    by_parent = {}
    for loc, message in problems:
        if loc and loc[-1] in AGE_BAND_KEYS:
            by_parent.setdefault((loc[:-1], message), set()).add(loc[-1])
    collapsed, done = [], set()
    for loc, message in problems:
        parent = (loc[:-1], message)
        if loc and loc[-1] in AGE_BAND_KEYS and by_parent.get(parent) == set(AGE_BAND_KEYS):
            if parent not in done:
                done.add(parent)
                collapsed.append((_key(loc[:-1]), "every age band: " + message))
        else:
            collapsed.append((_key(loc), message))
    return collapsed


def _one_union_member(details: list) -> list:
    """An input fitting no member of a union (a number or a census, say) gets an error from each member; keep
    the member that got furthest into the input (its deepest error), as that is the one the user meant."""
    groups = {}
    for detail in details:
        loc = detail["loc"]
        tag = next((i for i, part in enumerate(loc) if _is_type_tag(part)), None)
        if tag is not None:
            groups.setdefault(loc[:tag], {}).setdefault(loc[tag], []).append(detail)
    dropped = set()
    for members in groups.values():
        if len(members) > 1:
            deepest = max(members.values(), key=lambda found: max(len(d["loc"]) for d in found))
            dropped.update(id(d) for found in members.values() if found is not deepest for d in found)
    return [detail for detail in details if id(detail) not in dropped]


def _user_loc(loc: tuple) -> tuple:
    return tuple(part for part in loc if not _is_type_tag(part) and part != "[key]")


def _split(loc: tuple) -> tuple:
    user = _user_loc(loc)
    return user[:-1], user[-1] if user else ""


def _key(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


def _overridden(key: str, overridden) -> bool:
    return any(key == changed or key.startswith(changed + ".") or changed.startswith(key + ".")
               for changed in overridden)


def _is_type_tag(part) -> bool:
    """Pydantic adds union-member and validator names to error locations; users never wrote them."""
    return isinstance(part, str) and ("[" in part and part != "[key]" or part in {
        "int", "float", "str", "dict", "tuple", "list", "none", "number", "range"})


def _valid_keys(loc: tuple, root) -> list:
    annotation = root
    for part in loc:
        annotation = _inside(annotation, part)
    model = _first_member(annotation, _is_model)
    return list(model.model_fields) if model else []


def _inside(annotation, part):
    """The annotation of what key `part` holds inside a value of type `annotation`."""
    model = _first_member(annotation, _is_model)
    if model is not None:
        field = model.model_fields.get(part)
        return field.annotation if field else None
    mapping = _first_member(annotation, lambda member: typing.get_origin(member) is dict)
    return typing.get_args(mapping)[1] if mapping else None


def _first_member(annotation, wanted):
    """Look through Annotated and unions (not into containers) for a member that `wanted` accepts."""
    if annotation is None or wanted(annotation):
        return annotation
    if typing.get_origin(annotation) in (typing.Annotated, typing.Union, types.UnionType):
        for member in typing.get_args(annotation):
            found = _first_member(member, wanted)
            if found is not None:
                return found
    return None


def _is_model(annotation) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)
