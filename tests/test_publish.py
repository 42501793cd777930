"""`manabi publish`: the whole loop as an intranet server's timer runs it.

Every run is a real process (`python -m manabi.cli publish`, as systemd or cron
starts it) on a real .xlsx written with openpyxl into a "share" folder, a real
MkDocs build and a real deploy into TARGET; the tests read what a visitor would
get through `TARGET/current`.
"""

from __future__ import annotations

import fcntl
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from manabi import deploy
from manabi.publish import lock, share
from tests import grids
from tests.helpers import MINIMAL, ROOT, SAMPLE, require
from tests.test_history import history_items

SCRIPTS = ROOT / "scripts"
SETTLE = ("--settle", "0.3", "--settle-limit", "10")  # quick, but a real wait


def sheet(**titles: str) -> grids.Grids:
    """The minimal sheet, with course titles replaced (``c001="新しい名前"``)."""
    book = grids.read_folder(MINIMAL)
    for row in book["講座"][1:]:
        if row[0] in titles:
            row[1] = titles[row[0]]
    return book


def save(book: grids.Grids, path: Path) -> Path:
    """Save as Excel does on a share: a temporary file, then a rename over the workbook."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name("8F3A21C0.tmp")
    grids.write_xlsx(book, temporary)
    os.replace(temporary, path)
    return path


class Server:
    """The server's folders: the share, the data folder (data/, site/, the lock), TARGET."""

    def __init__(self, root: Path) -> None:
        self.workbook = root / "share" / "まなび.xlsx"
        self.state = root / "var-lib-manabi"
        self.data = self.state / "data"
        self.target = root / "srv-manabi"

    def command(self, *extra: str, source: Path | None = None) -> list[str]:
        return [
            sys.executable,
            "-m",
            "manabi.cli",
            "publish",
            str(source or self.workbook),
            str(self.target),
            "--data",
            str(self.data),
            *SETTLE,
            *extra,
        ]

    def start(self, *extra: str, source: Path | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*extra, source=source),
            cwd=ROOT,  # mkdocs.yml, as WorkingDirectory= in the unit
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *extra: str, source: Path | None = None) -> subprocess.CompletedProcess[str]:
        process = self.start(*extra, source=source)
        out, err = process.communicate(timeout=300)
        return subprocess.CompletedProcess(process.args, process.returncode, out, err)

    def live(self) -> str | None:
        return deploy.live_release(self.target)

    def page(self, *parts: str) -> str:
        return (self.target / "current" / Path(*parts) / "index.html").read_text(encoding="utf-8")


def journal_line(run: subprocess.CompletedProcess[str]) -> str:
    """The run's one line on stdout (what the journal shows for the run)."""
    lines = run.stdout.splitlines()
    assert len(lines) == 1, run.stdout
    assert lines[0].startswith("manabi publish: ")
    assert "Traceback" not in run.stdout + run.stderr
    return lines[0]


@pytest.fixture
def server(tmp_path: Path) -> Server:
    return Server(tmp_path)


@pytest.fixture(scope="module")
def first_publish(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A server that has published the minimal sheet once (made once for the module)."""
    root = tmp_path_factory.mktemp("server")
    server = Server(root)
    save(sheet(), server.workbook)
    first = server.run()
    assert first.returncode == 0, first.stdout + first.stderr
    assert "公開しました: 設定 +" in journal_line(first)
    return root


@pytest.fixture
def published(first_publish: Path, tmp_path: Path) -> Server:
    """A copy of that server for one test (``current`` is a relative link: it moves along)."""
    root = tmp_path / "server"
    shutil.copytree(first_publish, root, symlinks=True)
    return Server(root)


def test_publishing_twice_makes_one_release_and_the_second_run_changes_nothing(published):
    server = published
    release = server.live()
    assert release is not None and deploy.releases(server.target) == [release]
    assert "はじめてのデータ活用" in server.page("courses", "c001")
    before = {p: p.stat().st_mtime_ns for p in (server.data, server.data / "manifest.json")}

    second = server.run()
    assert second.returncode == 0
    line = journal_line(second)
    assert (
        line
        == f"manabi publish: 変更なし: 公開中は {release} です（シートも受講データも前回のまま）。"
    )
    assert deploy.releases(server.target) == [release] and server.live() == release
    assert {p: p.stat().st_mtime_ns for p in before} == before  # data/ not even rewritten


def test_an_edited_workbook_is_published_as_a_new_release_with_a_history_entry(published):
    server = published
    first = server.live()
    save(sheet(c001="はじめてのデータ活用（改訂版）"), server.workbook)

    run = server.run()
    assert run.returncode == 0, run.stderr
    line = journal_line(run)
    assert "公開しました: 講座 1件更新 → " in line and f"（それまで: {first}）" in line
    assert server.live() != first and len(deploy.releases(server.target)) == 2
    assert server.live() in line
    assert "はじめてのデータ活用（改訂版）" in server.page("courses", "c001")
    entries = history_items(server.page("history"))
    assert len(entries) == 2 and "講座 1件更新" in entries[0]


def test_two_runs_started_together_publish_exactly_once(server: Server):
    save(sheet(), server.workbook)
    runs = [server.start(), server.start()]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in runs]  # type: ignore[union-attr]
    for process in runs:
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()  # type: ignore[union-attr]
    assert [code for code, _, _ in results] == [0, 0], results
    lines = sorted(out.strip() for _, out, _ in results)
    published = [line for line in lines if "公開しました" in line]
    busy = [line for line in lines if "別の公開（プロセス " in line and "が実行中です" in line]
    assert len(published) == 1 and len(busy) == 1, lines
    assert re.search(r"別の公開（プロセス \d+）", busy[0])  # names the run holding the lock
    assert len(deploy.releases(server.target)) == 1
    assert not [p for p in (server.target / "releases").iterdir() if p.name.startswith(".")]
    # A run that may wait (--wait) gets the lock once the other ends, and finds nothing new.
    waiting = server.run("--wait", "30")
    assert "変更なし" in journal_line(waiting)


def test_a_truncated_workbook_is_refused_and_current_stays(published):
    server = published
    release = server.live()
    whole = save(sheet(c001="途中で切れた保存"), server.workbook.with_name("whole.xlsx"))
    server.workbook.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])

    run = server.run()
    assert run.returncode == 2
    line = journal_line(run)
    assert "公開しませんでした: 「まなび.xlsx」をブックとして読めません" in line
    assert f"公開中のサイトは前のまま（{release}）です。" in line
    assert server.live() == release and deploy.releases(server.target) == [release]
    assert "途中で切れた保存" not in server.page("courses", "c001")


def test_an_office_lock_file_is_ignored_and_a_save_in_progress_is_waited_out(published):
    server = published
    release = server.live()
    # Excel has the workbook open: its owner file (binary, not a workbook) sits beside it.
    owner = server.workbook.with_name("~$まなび.xlsx")
    owner.write_bytes(b"\x0bsecretariat" + bytes(150))
    whole = save(sheet(c001="ゆっくり保存した名前"), server.workbook.with_name("next.xlsx"))
    data = whole.read_bytes()
    size = len(data) // 40 + 1
    chunks = [data[i : i + size] for i in range(0, len(data), size)]

    # The workbook is rewritten in place, as a slow copy onto a share would: half of it is
    # a quarter is there when the run starts, the rest arrives over about 7 s (longer
    # than the run takes to start and read, so a run that did not wait would read a part).
    server.workbook.write_bytes(b"".join(chunks[:10]))
    process = server.start("--settle", "1.0")
    for chunk in chunks[10:]:
        time.sleep(0.25)
        with open(server.workbook, "ab") as handle:
            handle.write(chunk)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, out + err
    assert "公開しました: 講座 1件更新" in out
    assert "ゆっくり保存した名前" in server.page("courses", "c001")
    assert server.live() != release


def test_a_workbook_that_never_settles_is_refused_and_current_stays(published):
    server = published
    release = server.live()
    process = server.start("--settle", "1", "--settle-limit", "2")
    try:
        while process.poll() is None:  # a save that never ends within the limit
            with open(server.workbook, "ab") as handle:
                handle.write(b"x")
            time.sleep(0.1)
    finally:
        out, err = process.communicate(timeout=60)
    assert process.returncode == 2, out + err
    assert "は 2 秒のあいだ変わり続けていたため（保存やコピーの途中）、読みませんでした" in out
    assert server.live() == release


def test_a_run_killed_mid_build_frees_the_lock_and_the_next_run_publishes(published):
    server = published
    release = server.live()
    save(sheet(c001="強制終了のあとの名前"), server.workbook)
    process = server.start()
    site = server.state / "site"
    try:
        building = None
        while building is None and process.poll() is None:
            for staging in server.state.glob(".site.new-*"):
                if any(staging.iterdir()):  # MkDocs is writing pages into it
                    building = staging
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.communicate(timeout=60)
    assert building is not None, "the run finished before it could be killed"
    assert process.returncode == -signal.SIGKILL
    assert building.exists()  # killed half-way: its half-built site is still there
    assert server.live() == release
    assert "強制終了のあとの名前" not in server.page("courses", "c001")

    # The kernel released the dead run's flock: taking it now does not block.
    with open(lock.lock_path(server.data), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(handle, fcntl.LOCK_UN)

    run = server.run()
    assert run.returncode == 0, run.stderr
    assert "公開しました" in journal_line(run)
    assert "強制終了のあとの名前" in server.page("courses", "c001")
    assert not list(server.state.glob(".site.new-*")) and site.is_dir()
    assert len(deploy.releases(server.target)) == 2


def test_an_invalid_sheet_is_refused_with_its_cell_and_current_stays(published):
    server = published
    release = server.live()
    book = sheet()
    grids.set_cell(book, "講座!F2", "superhard")  # a level that does not exist
    save(book, server.workbook)

    run = server.run()
    assert run.returncode == 1
    line = journal_line(run)
    assert "公開しませんでした: スプレッドシートに 1 件の誤りがあります（最初は 講座!F2:" in line
    assert "講座!F2" in run.stderr  # the full report, as `manabi check` prints it
    assert server.live() == release and deploy.releases(server.target) == [release]
    assert (server.data / "manifest.json").is_file()
    assert "superhard" not in (server.data / "courses.json").read_text(encoding="utf-8")


def test_the_newest_export_skips_office_lock_and_hidden_files(tmp_path: Path):
    folder = tmp_path / "udemy"
    folder.mkdir()
    older, newer = folder / "b.csv", folder / "a.CSV"
    for index, path in enumerate((older, newer, folder / "~$a.csv", folder / ".part.csv")):
        path.write_text("x", encoding="utf-8")
        os.utime(path, ns=(0, (index + 1) * 1_000_000_000))
    assert share.newest_export(folder) == newer
    os.utime(older, ns=(0, 2_000_000_000))  # a tie: the name sorting last
    assert share.newest_export(folder) == older
    (folder / "b.csv").unlink()
    (folder / "a.CSV").unlink()
    assert share.newest_export(folder) is None


def test_publish_with_stats_counts_the_newest_export(tmp_path: Path):
    """The sample sheet with its shipped export: the figures reach the site."""
    server = Server(tmp_path)
    exports = tmp_path / "share" / "udemy"
    exports.mkdir(parents=True)
    export = next((SAMPLE / "udemy").glob("*.csv"))
    shutil.copy2(export, exports / export.name)
    (exports / f"~${export.name}").write_bytes(bytes(165))  # open in Excel: not an export
    os.utime(exports / f"~${export.name}", ns=(time.time_ns(), time.time_ns()))
    run = server.run("--stats-dir", str(exports), source=SAMPLE)
    assert run.returncode == 0, run.stdout + run.stderr
    line = journal_line(run)
    assert "受講状況 " in line and " 時点" in line
    assert list((server.data / "stats").glob("*.json"))
    again = server.run("--stats-dir", str(exports), source=SAMPLE)
    assert "変更なし" in journal_line(again)


def unit_command(text: str) -> list[str]:
    return shlex.split(re.search(r"^ExecStart=(.+)$", text, flags=re.M)[1])  # type: ignore[index]


def test_the_cron_line_runs_what_the_systemd_unit_runs():
    service = (SCRIPTS / "systemd" / "manabi-publish.service").read_text(encoding="utf-8")
    cron = (SCRIPTS / "cron" / "manabi-publish").read_text(encoding="utf-8")
    line = next(x for x in cron.splitlines() if x.startswith("*/5 "))
    fields = line.split(None, 6)
    assert fields[5] == re.search(r"^User=(\S+)$", service, flags=re.M)[1]  # type: ignore[index]
    command = fields[6].split(" && ", 1)[1].split(" 2>&1 | ", 1)[0]
    assert shlex.split(command)[1:] == unit_command(service)[1:]
    assert "OnCalendar=*:0/5" in (SCRIPTS / "systemd" / "manabi-publish.timer").read_text("utf-8")


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path: Path):
    analyze = shutil.which("systemd-analyze")
    require(analyze is not None, "systemd-analyze (Debian: systemd)", "MANABI_REQUIRE_SYSTEMD")
    # The units name the checkout as /opt/manabi; verify checks that ExecStart exists,
    # so this checkout's manabi stands in for it. Nothing else is changed.
    manabi = Path(sys.executable).parent / "manabi"
    assert manabi.is_file()
    for name in ("manabi-publish.service", "manabi-publish.timer"):
        text = (SCRIPTS / "systemd" / name).read_text(encoding="utf-8")
        text = text.replace("/opt/manabi/.venv/bin/manabi", str(manabi))
        (tmp_path / name).write_text(text.replace("/opt/manabi", str(ROOT)), encoding="utf-8")
    units = [str(tmp_path / "manabi-publish.service"), str(tmp_path / "manabi-publish.timer")]
    run = subprocess.run(
        [analyze, "verify", "--man=no", *units], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0 and run.stdout + run.stderr == "", run.stdout + run.stderr
    # The check has teeth: a misspelt hardening option is reported.
    service = tmp_path / "manabi-publish.service"
    service.write_text(
        service.read_text("utf-8").replace("ProtectSystem=", "ProtectSytem="), "utf-8"
    )
    bad = subprocess.run([analyze, "verify", "--man=no", *units], capture_output=True, text=True)
    assert "Unknown key 'ProtectSytem'" in bad.stderr


def test_the_service_is_sandboxed_to_the_data_folder_and_target():
    text = (SCRIPTS / "systemd" / "manabi-publish.service").read_text(encoding="utf-8")
    settings = dict(
        line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#")
    )
    assert settings["ProtectSystem"] == "strict" and settings["User"] == "manabi"
    assert settings["ReadWritePaths"].split() == ["/var/lib/manabi", "/srv/manabi"]
    command = unit_command(text)
    assert command[command.index("--data") + 1].startswith("/var/lib/manabi/")
    assert command[3] == "/srv/manabi"  # TARGET
    for key in ("NoNewPrivileges", "PrivateTmp", "ProtectHome", "PrivateDevices"):
        assert settings[key] == "yes", key


def test_an_unusable_export_holds_back_one_run_then_only_warns(published):
    server = published
    release = server.live()
    exports = server.workbook.parent / "udemy"
    exports.mkdir()
    (exports / "users.csv").write_text("Name,Email\n架空 職員,a@example.invalid\n", "utf-8")
    save(sheet(c001="集計を待つ名前"), server.workbook)

    held = server.run("--stats-dir", str(exports))
    assert held.returncode == 2, held.stdout + held.stderr
    line = journal_line(held)
    assert "公開しませんでした: 受講データ「users.csv」:" in line
    assert "次の実行からは注意だけにしてシートの変更を公開します" in line
    assert server.live() == release
    assert "架空" not in held.stdout + held.stderr  # never a value from the export

    again = server.run("--stats-dir", str(exports))
    assert again.returncode == 0, again.stdout + again.stderr
    line = journal_line(again)
    assert "公開しました: 前の実行で読み込んだシートの変更（講座 1件更新）" in line
    assert "注意: 受講データ「users.csv」を使えないため、受講状況は前のままです" in line
    assert "集計を待つ名前" in server.page("courses", "c001")
