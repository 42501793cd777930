"""Synthetic workbooks: the sample scaled up, for size tests and benchmarks.

Works on a CSV folder, at the level of text cells, so the scaled copy goes
through the same read → validate → snapshot → build path as a real sheet.
"""

from __future__ import annotations

import csv
from pathlib import Path


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def scale_divisions(source: Path, dest: Path, factor: int) -> Path:
    """Copy the CSV folder ``source`` to ``dest`` with ``factor`` times the divisions.

    Each copy of a division (``kita`` → ``kita-2`` …) keeps its areas and gets
    copies of its contacts, so every division page has the same content shape.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for path in source.glob("*.csv"):
        (dest / path.name).write_bytes(path.read_bytes())
    header, divisions = _read(source / "部署.csv")
    id_col, name_col = header.index("部署ID"), header.index("部署名")
    c_header, contacts = _read(source / "窓口担当.csv")
    c_div = c_header.index("部署ID")
    new_divisions, new_contacts = list(divisions), list(contacts)
    for copy in range(2, factor + 1):
        for row in divisions:
            clone = list(row)
            clone[id_col] = f"{row[id_col]}-{copy}"
            clone[name_col] = f"{row[name_col]}（{copy}）"
            new_divisions.append(clone)
        for row in contacts:
            clone = list(row)
            clone[c_div] = f"{row[c_div]}-{copy}"
            new_contacts.append(clone)
    _write(dest / "部署.csv", header, new_divisions)
    _write(dest / "窓口担当.csv", c_header, new_contacts)
    return dest
