"""The scenario library: the shipped scenarios and the user's folder, every name checked against its folder.

A scenario is named in addresses as FOLDER/NAME (`shipped/baseline`, `yours/my_copy`): NAME is the file's
stem, one safe path component, and the file must lie directly in its folder (a symlink out is refused)."""

import re
from dataclasses import dataclass
from pathlib import Path

from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario, read_yaml_mapping
from sim.scenario.wording import changes, scenario_title

STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")
SHIPPED, YOURS = "shipped", "yours"


class NotFound(Exception):
    """A name that is not a scenario (or results) of its folder: the server answers 404."""


@dataclass(frozen=True)
class Folder:
    key: str  # SHIPPED or YOURS
    title: str
    path: Path
    writable: bool


@dataclass(frozen=True)
class Entry:
    """One scenario file of the library, loaded (or the one-line error that refused it)."""

    folder: Folder
    stem: str
    scenario: object | None
    error: str = ""
    base_title: str = ""  # the title of the scenario it extends, if any
    changed: tuple = ()  # what it changes from the one it extends, as sentences

    @property
    def ref(self) -> str:
        return f"{self.folder.key}/{self.stem}"

    @property
    def path(self) -> Path:
        return self.folder.path / f"{self.stem}.yaml"

    @property
    def title(self) -> str:
        return scenario_title(self.scenario) if self.scenario else self.stem


class Library:
    def __init__(self, shipped: Path | None, yours: Path):
        yours = Path(yours).resolve()
        folders = [Folder(YOURS, "Your scenarios", yours, True)]
        if shipped is not None and Path(shipped).is_dir() and Path(shipped).resolve() != yours:
            folders.insert(0, Folder(SHIPPED, "Shipped scenarios", Path(shipped).resolve(), False))
        self.folders = {folder.key: folder for folder in folders}

    @property
    def yours(self) -> Folder:
        return self.folders[YOURS]

    def entries(self) -> list[Entry]:
        return [self.entry(folder.key, path.stem) for folder in self.folders.values()
                for path in sorted(folder.path.glob("*.yaml")) if STEM.fullmatch(path.stem)]

    def path(self, folder_key: str, stem: str) -> Path:
        """The file FOLDER/NAME names, or NotFound: no traversal, no absolute paths, no symlinks out."""
        folder = self.folders.get(folder_key)
        if folder is None or not STEM.fullmatch(stem or ""):
            raise NotFound(f"{folder_key}/{stem}")
        path = folder.path / f"{stem}.yaml"
        if not path.is_file() or path.resolve().parent != folder.path:
            raise NotFound(f"{folder_key}/{stem}")
        return path

    def entry(self, folder_key: str, stem: str) -> Entry:
        path = self.path(folder_key, stem)
        folder = self.folders[folder_key]
        try:
            scenario = load_scenario(path)
        except InputError as error:
            return Entry(folder, stem, None, str(error))
        parent = _extended(path)
        if parent is None:
            return Entry(folder, stem, scenario)
        try:
            base = load_scenario(parent)
        except InputError:
            return Entry(folder, stem, scenario)
        return Entry(folder, stem, scenario, base_title=scenario_title(base),
                     changed=tuple(changes(scenario, base)) or ("The same settings as the one it extends.",))

    def scenario(self, ref: str) -> tuple[Path, object]:
        """FOLDER/NAME -> (its path, the scenario loaded); NotFound or the InputError that refused it."""
        folder_key, _, stem = ref.partition("/")
        path = self.path(folder_key, stem)
        return path, load_scenario(path)


def _extended(path: Path) -> Path | None:
    """The file that `path` extends, if it extends one (the `extends:` key, read as load_scenario reads it)."""
    parent = read_yaml_mapping(path).get("extends")
    return path.parent / parent if isinstance(parent, str) else None
