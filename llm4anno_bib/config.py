"""A paper repository's settings, said once: ``llm4anno-bib.toml`` or ``[tool.llm4anno-bib]``
in ``pyproject.toml``, the first found from the working folder upward.

::

    [tool.llm4anno-bib]
    library = "refs/library.bib"     # every command's --library
    mailto = "me@example.org"        # the contact Crossref is given
    venues = "short"                 # export --venues: short, full or iso4
    offline = false                  # answer from the cache only
    delay = 1.0                      # seconds between requests to a source
    cache-dir = ".cache/llm4anno"    # relative paths are the file's folder's
    arxiv-url = "https://export.arxiv.org/api/query"

Command-line options win over the file, the file over the environment variables
(``LLM4ANNO_BIB_MAILTO`` ...), those over the defaults; ``llm4anno-bib config`` shows what
applies and where each value came from. A file that cannot be read, a key this module does
not know or a value of the wrong kind is a ``ConfigError`` naming the file and the key.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llm4anno_bib._text import CONTROL_CHARS
from llm4anno_bib.errors import ConfigError

__all__ = ["CONFIG_FILE", "SETTINGS", "Config", "Setting", "find_config", "load_config"]

CONFIG_FILE = "llm4anno-bib.toml"


@dataclass(frozen=True, slots=True)
class _Known:
    kind: type | tuple[type, ...]
    environment: str | None  # the variable it stands for, where the package reads one
    option: str | None  # the command-line option it gives a default to
    choices: tuple[str, ...] = ()
    path: bool = False  # a path: relative to the file's folder


# every setting a file may hold: its type, the variable and the option it stands for
SETTINGS: Mapping[str, _Known] = {
    "library": _Known(str, None, "library", path=True),
    "cache-dir": _Known(str, "LLM4ANNO_BIB_CACHE_DIR", "cache_dir", path=True),
    "mailto": _Known(str, "LLM4ANNO_BIB_MAILTO", None),
    "delay": _Known((int, float), "LLM4ANNO_BIB_DELAY", None),
    "source-wait": _Known((int, float), "LLM4ANNO_BIB_SOURCE_WAIT", None),
    "arxiv-url": _Known(str, "LLM4ANNO_BIB_ARXIV_URL", None),
    "acl-url": _Known(str, "LLM4ANNO_BIB_ACL_URL", None),
    "dblp-url": _Known(str, "LLM4ANNO_BIB_DBLP_URL", None),
    "crossref-url": _Known(str, "LLM4ANNO_BIB_CROSSREF_URL", None),
    "venues": _Known(str, None, "venues", choices=("short", "full", "iso4")),
    "offline": _Known(bool, None, "offline"),
}


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting's value and where it came from (``origin``: the file, ``environment
    (NAME)`` or ``default``)."""

    value: Any
    origin: str


@dataclass(frozen=True)
class Config:
    """The settings in force: ``path`` is the file read (``None``: none was found)."""

    path: Path | None
    settings: Mapping[str, Setting]

    def __repr__(self) -> str:
        return f"<Config from {self.path or 'no file'}: {len(self.from_file)} settings>"

    @property
    def from_file(self) -> dict[str, Any]:
        """The values the file gives."""
        return {name: s.value for name, s in self.settings.items()
                if self.path is not None and s.origin == str(self.path)}

    def option_defaults(self) -> dict[str, Any]:
        """Defaults for the command-line options the file gives (``library``,
        ``cache_dir``, ``venues``, ``offline``), by parameter name."""
        return {option: value for name, value in self.from_file.items()
                if (option := SETTINGS[name].option) is not None}

    @contextmanager
    def environment(self) -> Iterator[None]:
        """The file's values of the settings read from the environment set there while
        the block runs (the file wins over the environment), then the environment as it
        was."""
        given = {variable: str(value) for name, value in self.from_file.items()
                 if (variable := SETTINGS[name].environment) is not None}
        saved = {variable: os.environ.get(variable) for variable in given}
        try:
            os.environ.update(given)
            yield
        finally:
            for variable, value in saved.items():
                if value is None:
                    os.environ.pop(variable, None)
                else:
                    os.environ[variable] = value


def find_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The configuration file that applies in ``start`` (default: the working folder): the
    nearest ``llm4anno-bib.toml``, or ``pyproject.toml`` with a ``[tool.llm4anno-bib]``
    table, from there upward."""
    folder = Path(start if start is not None else os.getcwd()).resolve()
    for place in (folder, *folder.parents):
        own = place / CONFIG_FILE
        if own.is_file():
            return own
        project = place / "pyproject.toml"
        if project.is_file() and _OUR_TABLE.search(_text_of(project)):
            return project
    return None


_OUR_TABLE = re.compile(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*[\"']?llm4anno-bib[\"']?[ \t]*\]",
                        re.M)


def load_config(start: str | os.PathLike[str] | None = None) -> Config:
    """The settings in force in ``start`` (see the module doc). Raises ``ConfigError``.

    >>> load_config("/").path is None
    True
    """
    path = find_config(start)
    table = _table_of(path) if path is not None else {}
    settings: dict[str, Setting] = {}
    for name, known in SETTINGS.items():
        if name in table:
            settings[name] = Setting(_checked(path, name, table[name], known), str(path))
        elif known.environment is not None and os.environ.get(known.environment):
            settings[name] = Setting(os.environ[known.environment],
                                     f"environment ({known.environment})")
        else:
            settings[name] = Setting(None, "default")
    return Config(path, settings)


def _text_of(path: Path) -> str:
    """The file's text, read as every input is (``inputs.read_regular``: a regular file,
    bounded in size, never a device put in its place)."""
    from llm4anno_bib.errors import ReadError
    from llm4anno_bib.inputs import read_regular

    try:
        return read_regular(path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot be read ({exc}); nothing was run.", path=str(path)) from exc
    except ReadError as exc:
        raise ConfigError(f"cannot be read ({exc.message}); nothing was run.",
                          path=str(path)) from exc


def _table_of(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        data = tomllib.loads(_text_of(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"is not valid TOML ({exc}); nothing was run.",
                          path=str(path)) from exc
    table = data if path.name == CONFIG_FILE else data.get("tool", {}).get("llm4anno-bib", {})
    if not isinstance(table, dict):
        raise ConfigError("[tool.llm4anno-bib] must be a table of settings.", path=str(path))
    unknown = sorted(set(table) - set(SETTINGS))
    if unknown:
        raise ConfigError(f"unknown setting '{unknown[0]}' (known: {', '.join(SETTINGS)}); "
                          "nothing was run.", path=str(path), key=unknown[0])
    return table


def _checked(path: Path | None, name: str, value: Any, known: _Known) -> Any:
    """``value`` if it is of the setting's kind (a path made absolute from the file's
    folder), else ``ConfigError``."""
    right = isinstance(value, known.kind) and not (isinstance(value, bool) and known.kind != bool)
    if not right or (known.choices and value not in known.choices) or (
            isinstance(value, (int, float)) and not isinstance(value, bool)
            and not 0 <= value < math.inf):  # (TOML has nan and inf; nan compares false)
        wanted = (" or ".join(known.choices) if known.choices else
                  "true or false" if known.kind is bool else
                  "a number of seconds, 0 or more" if known.kind != str else "a string")
        raise ConfigError(f"the setting '{name}' is {value!r}, not {wanted}; nothing was run.",
                          path=str(path), key=name)
    control = _CONTROL.search(value) if isinstance(value, str) else None
    if control is not None:  # no path, address or URL holds one (nor can a variable: NUL)
        raise ConfigError(f"the setting '{name}' holds a control character "
                          f"(U+{ord(control.group()):04X}); nothing was run.",
                          path=str(path), key=name)
    if known.path and path is not None:
        return str((path.parent / str(value)).resolve())
    return value


_CONTROL = re.compile(f"[{CONTROL_CHARS}\\r\\n\\t]")
