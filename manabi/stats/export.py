"""Reading a Udemy Business "User Course Activity" export into numbers and nothing personal.

Columns are found by their header, through one alias table (:data:`FIELDS`),
never by position; unknown extra columns are ignored and never loaded. The
names are not among the columns read. E-mail addresses (or External IDs where
the address is empty) are turned into salted 64-bit hashes chunk by chunk, the
salt dies with the process, and the text is dropped with its chunk: what
leaves this module is arrays of numbers (:class:`Activity`).

Messages name rows and columns, never a value: a value in this file is about
a person. Even a header is shown only when it is one Udemy is known to
write, in case the file has no header row and its first line is a person's.

Facts about the format (see ``../shared/reference`` and DESIGN.md): UTF-8
with or without BOM (a file re-saved by Excel in Japan is Shift_JIS and is
read as such); dates like ``2021-01-14 17:07:21+00:00``, also ISO with ``T``
or ``Z``, plain ``2021-01-14`` and ``2021/01/14``; a date-time without an
offset is taken as Tokyo time. ``% Marked Completed`` is 0–100, or 0–1 when
no value in the file exceeds 1. ``User Groups`` holds groups separated by
``;``. Deleted people appear as ``Anonymized User``.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from manabi.errors import ExportError, ExportInvalid, Problem
from manabi.sources import a1

NO_DAY = np.iinfo(np.int32).min  # an empty date
CHUNK_ROWS = 200_000  # rows read at a time: memory stays flat however long the export
SHOWN = 20  # problems listed one by one; the rest are counted per column
ANONYMIZED = "anonymized user"  # Udemy's e-mail for a person whose data was deleted
TOKYO_OFFSET = np.timedelta64(9, "h")  # Asia/Tokyo has had no daylight saving since 1951
ENCODINGS = ("utf-8-sig", "cp932")  # Udemy writes UTF-8; Excel in Japan re-saves as Shift_JIS
TRUE = {"yes", "true", "1", "y", "oui", "ja", "sí", "si", "sim", "はい", "真"}
FALSE = {"no", "false", "0", "n", "non", "nein", "não", "nao", "いいえ", "偽", ""}


@dataclass(frozen=True, slots=True)
class Field:
    """One column the figures need: its English header and its other names."""

    key: str
    english: str  # as an English export writes it; messages use this name
    aliases: tuple[str, ...] = ()  # other UI languages and versions
    required: bool = True


# The one alias table. English from real exports (two versions); French from a
# real export (2021). Japanese headers are not yet confirmed from a real file:
# a Japanese export is refused with the headers it has, so they can be added here.
FIELDS: tuple[Field, ...] = (
    Field("email", "User Email", ("E-mail de l'utilisateur",)),
    Field("external_id", "External ID", ("ID externe",), required=False),
    Field("groups", "User Groups", ("Groupes d'utilisateurs",)),
    Field("course_id", "Course ID", ("ID du cours",)),
    Field("course_title", "Course Title", ("Titre du cours",)),
    Field("progress", "% Marked Completed", ("% marqué comme terminé",)),
    Field("minutes", "Minutes Video Consumed", ("Minutes de vidéo consommées",)),
    Field(
        "first_completed", "First Date Completed", ("Première date d'achèvement",), required=False
    ),
    Field("completed", "Date Completed", ("Date d'achèvement",), required=False),
    Field(
        "last_accessed", "Date Last Accessed", ("Date Last Active", "Date de la dernière visite")
    ),
    Field("deactivated", "User Is Deactivated", ("L'utilisateur est désactivé",), required=False),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
COMPLETION_KEYS = ("first_completed", "completed")  # one of them is needed; the first wins

# Headers of Udemy reports that are safe to name in a message (they are not
# personal), with the report each one marks.
OTHER_COURSE_ACTIVITY = (
    "User First Name",
    "User Last Name",
    "Course Duration",
    "Date Enrolled",
    "Date Started",
    "Course Category",
    "Assigned",
    "Assigned By",
    "Course Locale",
    "Prénom de l'utilisateur",
    "Nom de l'utilisateur",
    "Durée du cours",
    "Date d'inscription",
    "Date de début",
    "Catégorie de cours",
    "Assigné",
    "Assigné par",
)
OTHER_REPORTS: dict[str, tuple[str, ...]] = {
    "「ユーザーアクティビティ」（User Activity）レポート": (
        "Date Joined (UTC)",
        "No. of New Courses Enrolled",
        "No. of Assigned Courses",
        "No. of Courses Started",
        "No. of Courses Completed",
        "No. of Lectures Completed",
        "No. of Days visited",
        "Last Date Visit",
    ),
    "ユーザーの一覧（Users）": (
        "Name",
        "Surname",
        "Email",
        "Role",
        "Status",
        "Group",
        "LMS User ID",
        "License type",
        "License pool",
        "Deactivated date",
        "Joined date",
        "Invited by",
        "Sent at (UTC)",
    ),
}


def header_key(text: str) -> str:
    """A header as compared: NFKC, one space, case and apostrophe style ignored."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    return " ".join(text.split()).casefold()


_ALIASES = {header_key(name): f.key for f in FIELDS for name in (f.english, *f.aliases)}
_SAFE_HEADERS = {
    header_key(name)
    for name in (
        *_ALIASES,
        *OTHER_COURSE_ACTIVITY,
        *(h for headers in OTHER_REPORTS.values() for h in headers),
    )
}


@dataclass(slots=True)
class Activity:
    """The export as numbers: one entry per kept row, in file order.

    ``person`` is a salted hash (never stored); ``group`` and ``course`` index
    ``group_texts`` and ``course_ids``; days count from 1970-01-01 in Tokyo,
    ``NO_DAY`` when empty. People marked deactivated and anonymized rows are
    already left out.
    """

    person: np.ndarray  # uint64
    group: np.ndarray  # int32 → group_texts
    course: np.ndarray  # int32 → course_ids
    done_day: np.ndarray  # int32: First Date Completed (else Date Completed)
    last_day: np.ndarray  # int32: Date Last Accessed
    minutes: np.ndarray  # float64
    progress: np.ndarray  # float64, 0–100 (NaN when empty)
    group_texts: list[str]
    course_ids: list[str]
    course_titles: list[str]
    rows: int = 0  # data rows in the file
    anonymized_rows: int = 0
    deactivated_people: int = 0
    progress_scale: str = "0-100"
    columns: dict[str, str] = field(default_factory=dict)  # field key → header as found

    @property
    def latest_day(self) -> int | None:
        """The latest date in the export (completion or last access), as a day number."""
        days = [a[a != NO_DAY] for a in (self.done_day, self.last_day)]
        found = [int(d.max()) for d in days if d.size]
        return max(found) if found else None


def day_number(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def day_of(number: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(number))


# --- the header -----------------------------------------------------------------------


def _open_error(path: Path) -> ExportError | None:
    if not path.exists():
        return ExportError(f"「{path}」が見つかりません。ファイルの場所を確かめてください。")
    if path.is_dir():
        return ExportError(
            f"「{path}」はフォルダです。Udemy Business からダウンロードした CSV ファイルを指定してください。"
        )
    if path.suffix.lower() in {".xlsx", ".xls", ".ods", ".zip"}:
        return ExportError(
            f"「{path.name}」は CSV ではありません。Udemy Business の「データエクスポートレポート」から"
            "ダウンロードした CSV ファイルを、開かずにそのまま指定してください"
            "（zip のときは展開してから指定します）。"
        )
    return None


def _read_header(path: Path) -> tuple[list[str], str]:
    """The header row and the encoding that reads the file."""
    for encoding in ENCODINGS:
        try:
            header = pd.read_csv(path, nrows=0, encoding=encoding, dtype=str)
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError:
            raise ExportError(f"「{path.name}」は空です。ダウンロードし直してください。") from None
        except (pd.errors.ParserError, OSError) as exc:
            raise ExportError(
                f"「{path.name}」を CSV として読めません（{type(exc).__name__}）。"
                "Udemy Business からダウンロードし直してください。"
            ) from None
        return [str(c) for c in header.columns], encoding
    raise ExportError(
        f"「{path.name}」の文字コードを読めません。Udemy Business からダウンロードしたファイルを、"
        "Excel などで保存し直さずにそのまま指定してください（UTF-8 か Shift_JIS を読めます）。"
    )


def _columns(path: Path, header: list[str]) -> dict[str, str]:
    """Field key → the header naming it; refuses a file that is not this report."""
    found: dict[str, str] = {}
    for name in header:
        key = _ALIASES.get(header_key(name))
        if key is not None and key not in found:
            found[key] = name
    missing = [f.english for f in FIELDS if f.required and f.key not in found]
    if not any(k in found for k in COMPLETION_KEYS):
        missing.append(" または ".join(FIELDS_BY_KEY[k].english for k in COMPLETION_KEYS))
    if missing:
        raise ExportError(_not_this_report(path, header, missing))
    if COMPLETION_KEYS[0] in found:
        found.pop(COMPLETION_KEYS[1], None)  # Date Completed only stands in for the first
    return found


def _not_this_report(path: Path, header: list[str], missing: list[str]) -> str:
    keys = {header_key(h) for h in header}
    shown = [h for h in header if header_key(h) in _SAFE_HEADERS]
    hidden = len(header) - len(shown)
    looks = [
        name
        for name, headers in OTHER_REPORTS.items()
        if sum(header_key(h) in keys for h in headers) >= 3
    ]
    lines = [
        f"「{path.name}」は Udemy Business の「ユーザーのコースアクティビティ」"
        "（User Course Activity）レポートではないようです。",
        f"  足りない列: {'、'.join(missing)}",
        f"  見つかった列: {'、'.join(shown) if shown else 'なし'}"
        + (f"（ほかに {hidden} 列。Udemy の列名ではないため名前は表示しません）" if hidden else ""),
    ]
    if looks:
        lines.append(f"  このファイルは{looks[0]}のようです。")
    lines.append(
        "  Udemy Business の「インサイトとレポート」→「データエクスポートレポート」で、"
        "ユーザーのコースアクティビティのレポートをダウンロードしてください。"
        "列名が日本語などになっている場合は、表示言語を英語にしてからダウンロードし直してください。"
    )
    return "\n".join(lines)


# --- values -------------------------------------------------------------------------


class _Problems:
    """Rows with unusable values: the first ``SHOWN`` listed, the rest counted per column."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.sheet = path.name
        self.position = {name: i for i, name in enumerate(header)}
        self.shown: list[Problem] = []
        self.more: Counter[str] = Counter()

    def add(self, rows: np.ndarray, column: str, message: str) -> None:
        room = max(0, SHOWN - len(self.shown))
        for row in rows[:room].tolist():
            col = self.position.get(column)
            cell = a1(row, col) if col is not None else None
            self.shown.append(Problem(self.sheet, cell, row, column, None, message))
        if len(rows) > room:
            self.more[column] += len(rows) - room

    def raise_if_any(self) -> None:
        if self.shown:
            self.shown.sort(key=lambda p: (p.row or 0, self.position.get(p.column or "", 0)))
            raise ExportInvalid(self.shown, dict(self.more))


_TZ = re.compile(r"(?:[zZ]|[+-][0-9]{2}:?[0-9]{2})$")
_SLASHED = re.compile(
    r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})((?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?.*)$"
)


def _slashes_to_iso(text: str) -> str:
    """``2026/1/5 9:30`` → ``2026-01-05 9:30`` (Excel's way of writing dates)."""
    match = _SLASHED.fullmatch(text)
    if not match:
        return text
    year, month, day, rest = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}{rest}"


def _strings(texts: np.ndarray) -> np.ndarray:
    """Distinct texts as a NumPy string array, trimmed (vectorized: no Python loop)."""
    return np.strings.strip(np.asarray(texts, dtype=object).astype(str))


UDEMY_FORMAT = "%Y-%m-%d %H:%M:%S%z"  # what Udemy writes: 2021-01-14 17:07:21+00:00


def parse_days(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers in Tokyo for a column's date texts, and which texts are not dates.

    An empty text is ``NO_DAY`` and not an error. Udemy's own form is parsed for
    the whole column at once (nearly every date-time differs, so there is
    nothing to share); what it does not match is parsed once per distinct text.
    """
    texts = np.asarray(texts, dtype=object)
    moments = pd.to_datetime(texts, format=UDEMY_FORMAT, utc=True, errors="coerce")
    values = np.asarray(moments.tz_localize(None), dtype="datetime64[ns]")
    failed = np.isnat(values)
    days = (values + TOKYO_OFFSET).astype("datetime64[D]").astype(np.int64)
    days = np.where(failed, NO_DAY, days).astype(np.int32)
    bad = np.zeros(len(texts), dtype=bool)
    if failed.any():
        codes, uniques = pd.factorize(texts[failed])
        other_days, other_bad = _parse_days_any(np.asarray(uniques, dtype=object))
        days[failed] = other_days[codes]
        bad[failed] = other_bad[codes]
    return days, bad


def _parse_days_any(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers in Tokyo for distinct date texts of any form we read, and which are not dates."""
    text = _strings(texts)
    empty = np.strings.str_len(text) == 0
    slashed = np.strings.find(text, "/") >= 0
    if slashed.any():
        text = text.astype(object)
        text[slashed] = [_slashes_to_iso(t) for t in text[slashed].tolist()]
        text = text.astype(str)
    # An offset or Z after the date: the moment, seen from Tokyo. None: the wall time is Tokyo's.
    aware = (
        np.strings.endswith(text, "Z")
        | np.strings.endswith(text, "z")
        | (np.strings.rfind(text, "+") >= 10)
        | (np.strings.rfind(text, "-") >= 10)
    )
    moments = pd.to_datetime(
        np.where(empty, None, text.astype(object)), format="ISO8601", utc=True, errors="coerce"
    )
    values = np.asarray(moments.tz_localize(None), dtype="datetime64[ns]")
    bad = np.isnat(values) & ~empty
    values = np.where(aware, values + TOKYO_OFFSET, values)
    days = values.astype("datetime64[D]").astype(np.int64)
    return np.where(np.isnat(values), NO_DAY, days).astype(np.int32), bad


def _numbers(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Floats for distinct number texts (NaN for empty or unreadable), and which were empty."""
    text = np.strings.replace(_strings(texts), ",", "")
    empty = np.strings.str_len(text) == 0
    values = pd.to_numeric(text.astype(object), errors="coerce")
    return np.asarray(values, dtype=np.float64), empty


class _Index:
    """Distinct texts of a column across chunks, numbered in order of first sight."""

    def __init__(self) -> None:
        self.number: dict[str, int] = {}
        self.texts: list[str] = []

    def codes(self, uniques: np.ndarray) -> np.ndarray:
        out = np.empty(len(uniques), dtype=np.int32)
        for i, text in enumerate(uniques.tolist()):
            n = self.number.get(text)
            if n is None:
                n = self.number[text] = len(self.texts)
                self.texts.append(text)
            out[i] = n
        return out


def _factorized(chunk: pd.DataFrame, column: str | None) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct texts) of one column of a chunk; an absent column is all empty."""
    if column is None:
        return np.zeros(len(chunk), dtype=np.intp), np.array([""], dtype=object)
    codes, uniques = pd.factorize(chunk[column].to_numpy(dtype=object))
    return codes, np.asarray(uniques, dtype=object)


def _course_id(text: str) -> str:
    return re.sub(r"\.0+$", "", text.strip())


@dataclass(slots=True)
class _Chunk:
    person: np.ndarray
    group: np.ndarray
    course: np.ndarray
    done_day: np.ndarray
    last_day: np.ndarray
    minutes: np.ndarray
    progress: np.ndarray


class _Reader:
    """One pass over the export, chunk by chunk."""

    def __init__(self, path: Path, header: list[str], columns: dict[str, str]) -> None:
        self.path = path
        self.columns = columns
        self.problems = _Problems(path, header)
        self.salt = secrets.token_hex(8)  # 16 characters, as pandas' hash key needs
        self.groups = _Index()
        self.courses = _Index()
        self.titles: dict[int, str] = {}
        self.deactivated: set[int] = set()
        self.rows = 0
        self.anonymized = 0
        self.chunks: list[_Chunk] = []
        self.done_column = next(columns[k] for k in COMPLETION_KEYS if k in columns)

    def read(self, encoding: str) -> None:
        usecols = sorted(set(self.columns.values()))
        try:
            reader = pd.read_csv(
                self.path,
                usecols=usecols,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                encoding=encoding,
                chunksize=CHUNK_ROWS,
            )
            with reader:
                for chunk in reader:
                    self._chunk(chunk)
        except pd.errors.ParserError as exc:
            line = re.search(r"line ([0-9]+)", str(exc))
            where = f"{line.group(1)} 行目あたりで" if line else ""
            raise ExportError(
                f"「{self.path.name}」の{where}列の数が見出しと合いません。"
                "ダウンロードしたファイルを、開かずにそのまま指定してください。"
            ) from None

    def _chunk(self, chunk: pd.DataFrame) -> None:
        first = self.rows + 2  # the spreadsheet row of the chunk's first line (header = 1)
        self.rows += len(chunk)
        col = self.columns.get

        # People: e-mail, else External ID; anonymized rows are dropped.
        email_codes, emails = _factorized(chunk, col("email"))
        emails = np.array([e.strip().casefold() for e in emails.tolist()], dtype=object)
        keep = emails[email_codes] != ANONYMIZED
        self.anonymized += int((~keep).sum())
        keys = emails[email_codes]
        no_email = keep & (keys == "")
        if no_email.any():
            ext_codes, exts = _factorized(chunk, col("external_id"))
            exts = np.array([f"external:{e.strip()}" if e.strip() else "" for e in exts.tolist()])
            keys = keys.copy()
            keys[no_email] = exts[ext_codes[no_email]]
        nobody = keep & (keys == "")
        if nobody.any():
            self.problems.add(
                np.flatnonzero(nobody) + first,
                col("email") or "",
                "User Email も External ID も空です。ダウンロードし直してください。",
            )
        key_codes, key_uniques = pd.factorize(keys)
        hashes = pd.util.hash_array(np.asarray(key_uniques, dtype=object), hash_key=self.salt)
        person = hashes[key_codes]
        del emails, keys, key_uniques  # the text goes with the chunk

        # Deactivated people leave every figure, whichever of their rows says so.
        flag_codes, flags = _factorized(chunk, col("deactivated"))
        folded = [f.strip().casefold() for f in flags.tolist()]
        truthy = np.array([f in TRUE for f in folded], dtype=bool)
        unknown = np.array([f not in TRUE and f not in FALSE for f in folded], dtype=bool)
        if unknown[flag_codes].any():
            self.problems.add(
                np.flatnonzero(unknown[flag_codes] & keep) + first,
                col("deactivated") or "",
                "Yes か No（True か False）ではありません。",
            )
        self.deactivated.update(pd.unique(person[truthy[flag_codes] & keep]).tolist())

        group_codes, group_texts = _factorized(chunk, col("groups"))
        group = self.groups.codes(np.array([g.strip() for g in group_texts.tolist()]))[group_codes]

        course_codes, course_texts = _factorized(chunk, col("course_id"))
        ids = np.array([_course_id(c) for c in course_texts.tolist()], dtype=object)
        empty_id = (ids == "")[course_codes] & keep
        if empty_id.any():
            self.problems.add(
                np.flatnonzero(empty_id) + first, col("course_id") or "", "Course ID が空です。"
            )
        course = self.courses.codes(ids)[course_codes]
        self._titles(chunk, course)

        done_day = self._days(chunk, self.done_column, first, keep)
        last_day = self._days(chunk, col("last_accessed"), first, keep)
        minutes = self._number(chunk, col("minutes"), first, keep, upper=None)
        minutes = np.nan_to_num(minutes, nan=0.0)  # Udemy leaves it empty when nothing was watched
        progress = self._number(chunk, col("progress"), first, keep, upper=100.0)

        self.chunks.append(
            _Chunk(
                person[keep],
                group[keep],
                course[keep],
                done_day[keep],
                last_day[keep],
                minutes[keep],
                progress[keep],
            )
        )

    def _titles(self, chunk: pd.DataFrame, course: np.ndarray) -> None:
        column = self.columns.get("course_title")
        new = [c for c in pd.unique(course).tolist() if c not in self.titles]
        if not new or column is None:
            return
        first_rows = pd.Series(np.arange(len(course))).groupby(course).first()
        titles = chunk[column].to_numpy(dtype=object)
        for code in new:
            self.titles[code] = str(titles[first_rows[code]]).strip()

    def _days(
        self, chunk: pd.DataFrame, column: str | None, first: int, keep: np.ndarray
    ) -> np.ndarray:
        if column is None:
            return np.full(len(chunk), NO_DAY, dtype=np.int32)
        days, bad = parse_days(chunk[column].to_numpy(dtype=object))
        bad_rows = bad & keep
        if bad_rows.any():
            self.problems.add(
                np.flatnonzero(bad_rows) + first,
                column or "",
                "日付として読めません（例: 2026-12-01、2026-12-01 10:22:33+00:00、2026/12/01）。",
            )
        return days

    def _number(
        self,
        chunk: pd.DataFrame,
        column: str | None,
        first: int,
        keep: np.ndarray,
        upper: float | None,
    ) -> np.ndarray:
        codes, texts = _factorized(chunk, column)
        values, empty = _numbers(texts)
        bad = (np.isnan(values) & ~empty) | (values < 0)
        if upper is not None:
            bad |= values > upper
        bad_rows = bad[codes] & keep
        if bad_rows.any():
            limit = f"0 以上 {upper:g} 以下の" if upper is not None else "0 以上の"
            self.problems.add(
                np.flatnonzero(bad_rows) + first, column or "", f"{limit}数として読めません。"
            )
        return values[codes]

    def activity(self) -> Activity:
        def joined(name: str, dtype: type) -> np.ndarray:
            parts = [getattr(c, name) for c in self.chunks]
            return np.concatenate(parts) if parts else np.array([], dtype=dtype)

        person = joined("person", np.uint64)
        keep = ~np.isin(person, np.fromiter(self.deactivated, dtype=np.uint64))
        progress = joined("progress", np.float64)
        scale = "0-100"
        if progress.size and np.nanmax(progress, initial=0.0) <= 1.0 and np.any(progress > 0):
            progress = progress * 100.0  # this file writes 0–1
            scale = "0-1"
        return Activity(
            person=person[keep],
            group=joined("group", np.int32)[keep],
            course=joined("course", np.int32)[keep],
            done_day=joined("done_day", np.int32)[keep],
            last_day=joined("last_day", np.int32)[keep],
            minutes=joined("minutes", np.float64)[keep],
            progress=progress[keep],
            group_texts=self.groups.texts,
            course_ids=self.courses.texts,
            course_titles=[self.titles.get(i, "") for i in range(len(self.courses.texts))],
            rows=self.rows,
            anonymized_rows=self.anonymized,
            deactivated_people=len(self.deactivated),
            progress_scale=scale,
            columns=dict(self.columns),
        )


def columns_read(path: Path | str) -> tuple[list[str], str, dict[str, str]]:
    """The header, the encoding that reads it, and the columns :func:`read_export`
    reads (field key → header as found); refuses what is not this report."""
    path = Path(path)
    error = _open_error(path)
    if error:
        raise error
    header, encoding = _read_header(path)
    return header, encoding, _columns(path, header)


def read_export(path: Path | str) -> Activity:
    """Read the export at ``path``; raises :class:`ExportError` or :class:`ExportInvalid`."""
    path = Path(path)
    header, encoding, columns = columns_read(path)
    for attempt in ENCODINGS[ENCODINGS.index(encoding) :]:
        reader = _Reader(path, header, columns)
        try:
            reader.read(attempt)
        except UnicodeDecodeError:
            continue  # the header was ASCII; a later line is not UTF-8: try Shift_JIS
        reader.problems.raise_if_any()
        return reader.activity()
    raise ExportError(
        f"「{path.name}」の文字コードを読めません。Udemy Business からダウンロードしたファイルを、"
        "Excel などで保存し直さずにそのまま指定してください（UTF-8 か Shift_JIS を読めます）。"
    )
