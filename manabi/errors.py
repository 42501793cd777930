"""The project's one exception family and the data problem record.

Errors carry what they are about; the CLI turns them into exit codes and
Japanese messages, the MkDocs plugin into ``PluginError``. Nothing here prints.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal


class ManabiError(Exception):
    """Base of every error this project raises on purpose.

    ``str(error)`` is a Japanese message meant for the person running the
    command; it never contains secrets or a traceback.
    """


class SourceError(ManabiError):
    """The source could not be read at all (missing file, no access, network)."""


class DataError(ManabiError):
    """The source was read but its data is invalid; ``problems`` says where."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = sum(1 for p in problems if p.level == "error")
        super().__init__(f"スプレッドシートに {errors} 件の誤りがあります。")


class SnapshotError(ManabiError):
    """The snapshot in ``data/`` is missing or unreadable."""


class ExportError(ManabiError):
    """A learning export could not be read, or is not the report it should be.

    The message names the columns that are missing and those that were found,
    never a value from the file (it holds personal data).
    """


class ExportInvalid(ManabiError):
    """A learning export was read but some rows hold values that cannot be used.

    ``problems`` point at rows and columns (at most ``manabi.stats.export.SHOWN``);
    ``more`` counts the rest by column. No value from the file is ever kept.
    """

    def __init__(self, problems: list[Problem], more: dict[str, int]) -> None:
        self.problems = problems
        self.more = more
        total = len(problems) + sum(more.values())
        super().__init__(f"受講データに読めない値が {total:,} か所あります。")


class TemplateError(ManabiError):
    """A page template of ours is broken: a bug for maintainers, never the data."""


class BuildError(ManabiError):
    """The site could not be built; the previous site stays in place."""


Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in the spreadsheet, pointing at the cell to fix.

    ``cell`` is an A1 reference (``C12``) or ``None`` when the problem concerns
    a whole tab; ``row`` is the row number a spreadsheet program shows (the
    header is row 1). ``message`` is Japanese and says what to type instead.
    """

    sheet: str
    cell: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str
    level: Level = "error"

    @property
    def where(self) -> str:
        """``講座!C12``, or just ``講座`` for a whole-tab problem."""
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        del data["level"]
        return data
