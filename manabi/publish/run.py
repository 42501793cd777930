"""``manabi publish``: one run of sync → stats → build → deploy, and its one journal line.

Every step is the function its own command uses (``manabi sync``, ``stats``,
``build``, ``deploy``); this module only orders them, skips what has nothing
new, and turns each outcome into an exit code and one Japanese line. A
failure at any step leaves ``TARGET/current`` as it was; what a step already
finished stays finished (a sync written before a failed build is built by
the next run), so a run that dies is simply run again.

Exit codes are the command line's: 0 published or nothing to do (also when
another run holds the lock), 1 refused (invalid sheet or export, a build
older than the live one), 2 could not read or write.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from manabi import atomic, deploy, report, snapshot
from manabi.errors import BuildError, ExportError, ExportInvalid, ManabiError, SourceError
from manabi.publish import lock, share
from manabi.sources import Workbook, read_source
from manabi.sources.gsheets import is_gsheet
from manabi.validate import validate

OK, REFUSED, UNREADABLE = 0, 1, 2


@dataclass(slots=True)
class Run:
    """What one run did: the exit code, the journal line, and details for stderr."""

    code: int
    line: str
    details: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)  # short, added to the line


@dataclass(frozen=True, slots=True)
class Options:
    source: str
    target: Path
    data: Path
    site: Path
    config: Path
    keep: int = 5
    stats_dir: Path | None = None
    settle: share.Settle = field(default_factory=share.Settle)
    wait: float = 0.0  # seconds to wait for another run's lock


def publish(options: Options) -> Run:
    """One run, under the lock; never raises a :class:`ManabiError` or an ``OSError``."""
    path = lock.lock_path(options.data)
    try:
        with lock.exclusive(path, options.wait) as held:
            if not held:
                return Run(
                    OK,
                    f"何もしませんでした: 別の公開（プロセス {lock.holder(path)}）が実行中です"
                    "（終わりしだい、次の実行が続きを行います）。",
                )
            try:
                run = _steps(options)
            except ManabiError as exc:
                return Run(UNREADABLE, f"公開しませんでした: {exc}")
            except OSError as exc:
                return Run(
                    UNREADABLE,
                    f"公開しませんでした: 「{exc.filename or '?'}」を読み書きできません"
                    f"（{exc.strerror or type(exc).__name__}）。空き容量と権限を確かめてください。"
                    "公開中のサイトは前のままです。",
                )
    except OSError as exc:  # the lock's folder: not writable, not there
        return Run(
            UNREADABLE,
            f"公開しませんでした: ロックファイル「{path}」を作れません（{exc.strerror}）。"
            "データのフォルダの場所と書き込み権限を確かめてください。",
        )
    if run.alerts:
        run.line += " 注意: " + "、".join(run.alerts) + "（詳しくは続きの出力）。"
    return run


def _steps(options: Options) -> Run:
    target = options.target
    for folder in (options.data, options.site):  # what a killed run was writing
        atomic.recover(folder)
        atomic.clear_staging(folder)
    try:
        live = deploy.live_release(target)
    except deploy.DeployRefused as exc:
        return Run(REFUSED, f"公開しませんでした: {exc}")
    kept = _kept(live)

    # 1. sync: read a settled workbook, check it, write data/ only when it changed.
    try:
        data = _read(options)
    except SourceError as exc:
        return Run(UNREADABLE, f"公開しませんでした: {exc} {kept}")
    result = validate(data)
    if not result.ok:
        first = next(p for p in result.problems if p.level == "error")
        return Run(
            REFUSED,
            f"公開しませんでした: スプレッドシートに {len(result.errors)} 件の誤りがあります"
            f"（最初は {first.where}: {first.message}）。{kept}",
            [report.format_text(result.problems)],
        )
    try:
        changes, synced = snapshot.write(result.data, options.data, origin=options.source)
    except OSError as exc:
        return Run(UNREADABLE, f"公開しませんでした: データを書き出せません（{exc}）。{kept}")
    what = [changes.describe()] if synced else []
    # The sheet's warnings with the run that read the change, not every 5 minutes after.
    notes = [report.format_text(result.warnings)] if result.warnings and synced else []
    alerts: list[str] = []

    # 2. stats: the newest export in the share, when asked.
    if options.stats_dir is not None:
        stopped = _stats(options, snapshot.content_hash(result.data), what, notes, alerts)
        if stopped is not None:
            stopped.line += f" {kept}"
            stopped.details = notes + stopped.details
            return stopped

    run = _build_and_deploy(options, snapshot.content_hash(result.data), live, what, notes)
    run.alerts = alerts
    return run


def _build_and_deploy(
    options: Options, digest: str, live: str | None, what: list[str], notes: list[str]
) -> Run:
    target = options.target
    kept = _kept(live)
    # 3. build, only when the site is not already from this data, figures and pages.
    from manabi.build import build_site, is_current  # MkDocs is imported only here
    from manabi.stats import store

    if not is_current(options.site, digest, store.fingerprint(options.data), options.config):
        try:
            build_site(options.data, options.site, options.config)
        except BuildError as exc:
            return Run(
                UNREADABLE, f"公開しませんでした: サイトを作れませんでした。{kept}", [str(exc)]
            )

    # 4. deploy, unless the live release is this very build.
    new = _manifest(options.site)
    old = _manifest(target / deploy.RELEASES / live) if live else {}
    if new is not None and new == old:
        return Run(OK, f"変更なし: 公開中は {live} です（シートも受講データも前回のまま）。", notes)
    try:
        outcome = deploy.deploy(options.site, target, keep=options.keep)
    except deploy.DeployRefused as exc:
        return Run(REFUSED, f"公開しませんでした: {exc}{kept}", notes)
    except ManabiError as exc:
        return Run(UNREADABLE, f"公開しませんでした: {exc}", notes)
    removed = f"、古いリリース {len(outcome.removed)} 個を削除" if outcome.removed else ""
    return Run(
        OK,
        f"公開しました: {_what_changed(old or {}, new or {}, what, options.data)} → "
        f"{outcome.release}（それまで: {outcome.left or 'なし'}{removed}）。",
        notes + outcome.notes,
    )


def _kept(live: str | None) -> str:
    return f"公開中のサイトは前のまま（{live or 'まだ公開していません'}）です。"


def _manifest(site: Path) -> dict[str, object] | None:
    try:
        info = json.loads((site / deploy.BUILD_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def _what_changed(
    old: dict[str, object], new: dict[str, object], now: list[str], data_dir: Path
) -> str:
    """What the new release has that the live one lacks, for the journal line."""
    if now:  # this run's sync and figures, counted
        return " / ".join(now)
    parts = []
    if old.get("snapshot_hash") != new.get("snapshot_hash"):
        loaded = snapshot.try_load(data_dir)
        changes = loaded.manifest.get("changes") if loaded else None
        parts.append(f"前の実行で読み込んだシートの変更（{changes or '内容は data/ の更新履歴'}）")
    if old.get("stats_hash") != new.get("stats_hash"):
        parts.append("受講状況")
    return " / ".join(parts) or "ページか設定かプログラムの変更（データは前のまま）"


def _read(options: Options) -> Workbook:
    if is_gsheet(options.source):
        return read_source(options.source)
    source = Path(options.source)
    before = share.wait_settled(source, options.settle)
    data = read_source(options.source)
    share.check_unchanged(source, before)
    return data


# --- the learning figures ------------------------------------------------------


def _state_path(data_dir: Path) -> Path:
    data_dir = Path(data_dir).resolve()
    return data_dir.parent / f".{data_dir.name}.publish.json"


def _load_state(data_dir: Path) -> dict[str, object]:
    try:
        state = json.loads(_state_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _save_state(data_dir: Path, state: dict[str, object]) -> None:
    path = _state_path(data_dir)
    staging = path.with_name(path.name + ".new")
    staging.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(staging, path)


def _stats(
    options: Options, sheet: str, what: list[str], notes: list[str], alerts: list[str]
) -> Run | None:
    """Update the figures; None to go on publishing, or the run's end.

    As in the GitHub workflow: an export that cannot be used stops the run the
    first time (loud), and from then on, while it is the same file, only a note
    is given and the sheet is published with the figures as they were.
    """
    from manabi.stats.run import update

    folder = options.stats_dir
    assert folder is not None
    state = _load_state(options.data)
    try:
        export = share.newest_export(folder)
    except OSError as exc:
        return _refused_export(
            options,
            alerts,
            f"受講データの共有フォルダ「{folder}」",
            state,
            f"folder {folder}",
            UNREADABLE,
            f"受講データの共有フォルダ「{folder}」を開けません（{exc.strerror}）。"
            "共有がマウントされているか、実行するユーザーが読めるかを確かめてください。",
            notes,
        )
    if export is None:
        notes.append(
            f"受講データの共有フォルダ「{folder}」に .csv がありません。受講状況は前のままです。"
        )
        return None
    try:
        seen = share.wait_settled(export, options.settle)
    except share.NotSettled as exc:
        return Run(UNREADABLE, f"公開しませんでした: 受講データ: {exc}")
    key = [list(seen), sheet]
    if state.get("stats_done") == key:
        return None  # this export with this sheet is counted already: skip the heavy read
    cause = json.dumps(list(seen), ensure_ascii=False)
    try:
        outcome = update(export, options.data)
        share.check_unchanged(export, seen)
    except (ExportInvalid, ExportError, share.NotSettled) as exc:
        # unusable rows (exit 1, listed by cell) or an unreadable / unsettled file (exit 2)
        details = []
        if isinstance(exc, ExportInvalid):
            from manabi.stats import report as stats_report

            details = [stats_report.format_invalid_text(exc)]
        return _refused_export(
            options,
            alerts,
            f"受講データ「{export.name}」",
            state,
            cause,
            REFUSED if isinstance(exc, ExportInvalid) else UNREADABLE,
            f"受講データ「{export.name}」: {exc}",
            notes,
            details or None,
        )
    state.pop("refused", None)
    state["stats_done"] = key
    _save_state(options.data, state)
    if outcome.written:
        what.append(f"受講状況 {outcome.record['as_of']} 時点")
    return None


def _refused_export(
    options: Options,
    alerts: list[str],
    what_file: str,
    state: dict[str, object],
    cause: str,
    code: int,
    message: str,
    notes: list[str],
    details: list[str] | None = None,
) -> Run | None:
    if state.get("refused") == cause:
        alerts.append(f"{what_file}を使えないため、受講状況は前のままです")
        notes.append(
            f"注意: {message} 前の実行から同じファイルのままなので、受講状況は前のまま、"
            "シートの変更は公開します。ファイルを置き換えるか削除してください。"
        )
        notes.extend(details or [])
        return None
    state["refused"] = cause
    _save_state(options.data, state)
    return Run(
        code,
        f"公開しませんでした: {message} 受講状況は前のままです。"
        "同じファイルのままなら、次の実行からは注意だけにしてシートの変更を公開します。",
        details or [],
    )
