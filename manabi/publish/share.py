"""Reading from a shared drive: only complete, settled files.

Excel saves by writing a temporary file and renaming it over the workbook
(for a moment the workbook is not there at all), and keeps ``~$name.xlsx``
beside it while it is open; LibreOffice keeps ``.~lock.name#``. A file is
read only once its size and modification time have stayed the same for
``quiet`` seconds (looking at most ``limit`` seconds), and it is refused if
they change while it is read. Lock files are never taken for data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from manabi.errors import SourceError
from manabi.sources.files import csv_tab_files, is_office_lock_file

State = tuple[tuple[str, int, int], ...]  # (name, size, mtime_ns) of every file read


class NotSettled(SourceError):
    """The file kept changing (being saved or copied); nothing was read."""


@dataclass(frozen=True, slots=True)
class Settle:
    quiet: float = 3.0  # seconds without a change in size or time
    limit: float = 60.0  # the longest a run waits for that


def files_of(source: Path) -> list[Path]:
    """The files a source is read from: the workbook, or the CSV files of a folder."""
    if source.is_dir():
        return [p for p in csv_tab_files(source) if p.is_file()]
    return [source]


def state(source: Path) -> State:
    seen = []
    for path in files_of(Path(source)):
        try:
            info = path.stat()
        except FileNotFoundError:
            continue  # mid-save (renamed away for a moment): a change like any other
        seen.append((path.name, info.st_size, info.st_mtime_ns))
    return tuple(seen)


def wait_settled(source: Path, settle: Settle) -> State:
    """The state of ``source`` once it has not changed for ``settle.quiet`` seconds."""
    start = since = time.monotonic()
    last = state(source)
    while True:
        now = time.monotonic()
        if now - since >= settle.quiet:
            return last
        if now - start >= max(settle.limit, settle.quiet):  # a still file always passes
            raise NotSettled(
                f"「{Path(source).name}」は {settle.limit:g} 秒のあいだ変わり続けていたため"
                "（保存やコピーの途中）、読みませんでした。次の実行でもう一度読みます。"
            )
        time.sleep(min(0.5, max(settle.quiet / 5, 0.01)))
        seen = state(source)
        if seen != last:
            last, since = seen, time.monotonic()


def check_unchanged(source: Path, before: State) -> None:
    """Refuse what was read if the file changed while it was being read."""
    if state(source) != before:
        raise NotSettled(
            f"「{Path(source).name}」が読み込みの途中で変わったため（保存の途中）、"
            "使いませんでした。次の実行でもう一度読みます。"
        )


def newest_export(folder: Path) -> Path | None:
    """The export a run uses: the newest ``*.csv`` by modification time (a copy
    keeps the download's time), the name sorting last on a tie; hidden files
    and Office lock files are not exports."""
    candidates = [
        p
        for p in Path(folder).iterdir()
        if p.suffix.lower() == ".csv"
        and not p.name.startswith(".")
        and not is_office_lock_file(p)
        and p.is_file()
    ]
    return max(candidates, key=lambda p: (p.stat().st_mtime_ns, p.name), default=None)


def main(argv: list[str] | None = None) -> int:
    """``python -m manabi.publish.share DIR``: the newest export's path, or nothing.

    The GitHub workflow's stats job picks its export with this, so the rule
    is written once for both ways of publishing.
    """
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("使い方: python -m manabi.publish.share 受講データのフォルダ", file=sys.stderr)
        return 2
    try:
        newest = newest_export(Path(args[0]))
    except OSError as exc:
        print(f"受講データのフォルダ「{args[0]}」を開けません（{exc.strerror}）。", file=sys.stderr)
        return 2
    if newest is not None:
        print(newest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
