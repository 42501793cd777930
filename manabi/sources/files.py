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
# An .xlsx saved with a password is not a zip at all: Office wraps the encrypted
# workbook in an OLE2 compound file (the old .xls container) whose stream
# "EncryptedPackage" holds it ([MS-OFFCRYPTO] 2.3.4.4). The signature and the
# stream's name (UTF-16LE in the directory) tell it apart from an old .xls.
# A byte search, not olefile: two constants do not justify a dependency.
_OLE2_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def is_office_lock_file(path: Path) -> bool:
    """Excel's owner file (``~$name.xlsx``) and LibreOffice's (``.~lock.name#``)
    exist while someone has the workbook open; they are never data."""
    return path.name.startswith(("~$", ".~lock."))


def csv_tab_files(folder: Path) -> list[Path]:
    """The files a CSV folder is read from: every ``*.csv`` but Office lock files, by name."""
    return sorted(p for p in Path(folder).glob("*.csv") if not is_office_lock_file(p))


def read_csv_folder(folder: Path) -> Workbook:
    """Each ``<tab>.csv`` in ``folder`` is one tab (UTF-8, with or without BOM)."""
    tables: dict[str, Table] = {}
    for path in csv_tab_files(folder):
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
    _refuse_other_containers(path)
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


def _refuse_other_containers(path: Path) -> None:
    """A password-protected workbook, or an old .xls under a new name, said as such."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_OLE2_SIGNATURE))
            if head != _OLE2_SIGNATURE:
                return
            handle.seek(0)
            body = handle.read()
    except OSError:
        return  # read_excel below reports it
    if _ENCRYPTED_PACKAGE in body:
        raise SourceError(
            f"「{path.name}」はパスワードで保護されているため読めません。"
            "Excel で開き、「ファイル」→「情報」→「ブックの保護」→「パスワードを使用して暗号化」で"
            "パスワードを消して（空にして）保存し直してください。"
            "LibreOffice では「名前を付けて保存」で「パスワード付きで保存」のチェックを外します。"
        )
    raise SourceError(
        f"「{path.name}」は古い Excel 97-2003 形式（.xls）のファイルです。"
        "Excel で開き、「名前を付けて保存」で「Excel ブック（*.xlsx）」を選んで保存し直してください。"
    )
