"""Local sources: a folder of ``<tab>.csv`` files, or an ``.xlsx``/``.ods`` workbook.

Every cell is read as text (``dtype=object``, no NA guessing), so ``007``
stays ``007`` and an empty cell stays empty.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pandas as pd

from manabi.errors import SourceError
from manabi.sources import Table, Workbook

WORKBOOK_ENGINES = {".xlsx": "openpyxl", ".xlsm": "openpyxl", ".ods": "odf"}


def read_csv_folder(folder: Path) -> Workbook:
    """Each ``<tab>.csv`` in ``folder`` is one tab (UTF-8, with or without BOM)."""
    tables: dict[str, Table] = {}
    for path in sorted(folder.glob("*.csv")):
        try:
            # utf-8-sig: Excel saves "CSV UTF-8" with a byte-order mark.
            with path.open(encoding="utf-8-sig", newline="") as handle:
                grid = list(csv.reader(handle))
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"「{path.name}」を UTF-8 として読めません（{exc.start + 1} バイト目）。"
                "表計算ソフトで「CSV UTF-8（コンマ区切り）」を選んで保存し直してください。"
            ) from None
        except OSError as exc:
            raise SourceError(f"「{path.name}」を開けません: {exc.strerror}") from None
        except csv.Error as exc:  # e.g. a NUL byte: not a text file a spreadsheet wrote
            raise SourceError(
                f"「{path.name}」を CSV として読めません（{exc}）。"
                "表計算ソフトで「CSV UTF-8（コンマ区切り）」を選んで保存し直してください。"
            ) from None
        tables[path.stem] = Table.from_grid(path.stem, grid)
    if not tables:
        raise SourceError(
            f"フォルダ「{folder}」に CSV ファイルがありません。"
            "タブごとに「<タブ名>.csv」（例: 講座.csv）を置いてください。"
        )
    return Workbook(origin=str(folder), tables=tables)


def read_workbook(path: Path) -> Workbook:
    """Every tab of an ``.xlsx``/``.ods`` workbook, values as the cells hold them."""
    engine = WORKBOOK_ENGINES[path.suffix.lower()]
    try:
        frames = pd.read_excel(
            path,
            sheet_name=None,
            header=None,
            dtype=object,
            keep_default_na=False,
            na_values=[],
            engine=engine,
        )
    except (zipfile.BadZipFile, ValueError, KeyError) as exc:
        raise SourceError(
            f"「{path.name}」をブックとして読めません（壊れているか、形式が拡張子と違います）。"
            f"表計算ソフトで開いて保存し直してください。（{type(exc).__name__}）"
        ) from None
    except OSError as exc:
        raise SourceError(f"「{path.name}」を開けません: {exc.strerror}") from None
    tables = {
        str(name): Table.from_grid(str(name), frame.itertuples(index=False, name=None))
        for name, frame in frames.items()
    }
    return Workbook(origin=str(path), tables=tables)
