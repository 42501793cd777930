"""The ``manabi`` command: the only place errors become exit codes and messages.

Exit codes (the command-line contract): 0 success, 1 invalid data (or a
refused action), 2 the source or the build could not be read or made.
No traceback ever reaches the person at the terminal; ``MANABI_DEBUG=1``
shows one for maintainers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from manabi import __version__, report, snapshot
from manabi.errors import ManabiError, SourceError
from manabi.sources import read_source
from manabi.validate import Result, validate

OK, INVALID, UNREADABLE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would answer in English
        self.print_usage(sys.stderr)
        self.exit(
            UNREADABLE,
            f"manabi: 指定のしかたが違います（{message}）。`manabi --help` で使い方を確かめてください。\n",
        )


def _read_and_check(source: str) -> Result:
    return validate(read_source(source))


def cmd_check(args: argparse.Namespace) -> int:
    try:
        result = _read_and_check(args.source)
    except SourceError as exc:
        if args.format == "markdown":
            print(report.format_unreadable_markdown(str(exc), args.source), end="")
        elif args.format == "json":
            problem = {
                "sheet": None,
                "cell": None,
                "row": None,
                "column": None,
                "value": None,
                "message": str(exc),
            }
            print(
                json.dumps(
                    {"ok": False, "errors": [problem], "warnings": []}, ensure_ascii=False, indent=2
                )
            )
        else:
            print(f"読み込めません: {exc}", file=sys.stderr)
        return UNREADABLE
    if args.format == "json":
        print(report.format_json(result.problems))
    elif args.format == "markdown":
        print(report.format_markdown(result.problems, source=args.source), end="")
    else:
        print(report.format_text(result.problems))
    return OK if result.ok else INVALID


def cmd_sync(args: argparse.Namespace) -> int:
    result = _read_and_check(args.source)
    if not result.ok:
        print(report.format_text(result.problems))
        return INVALID
    if result.warnings:
        print(report.format_text(result.warnings))
    changes, written = snapshot.write(result.data, Path(args.data), origin=args.source)
    if written:
        print(f"データを更新しました（{args.data}）: {changes.describe()}")
        for tab in changes.tabs:
            if tab.any:
                print(f"  {tab.tab}: 追加 {tab.added} / 削除 {tab.removed} / 変更 {tab.changed}")
    else:
        print("変更なし")
    return OK


def cmd_build(args: argparse.Namespace) -> int:
    from manabi.build import build_site, is_current  # MkDocs is imported only when building
    from manabi.stats import store

    config = Path(args.config)
    figures = store.fingerprint(Path(args.data))  # with --source too: data/stats is used

    def unchanged(data_hash: str) -> bool:
        if args.force or not is_current(Path(args.site_dir), data_hash, figures, config):
            return False
        print(
            f"変更なし: サイト（{args.site_dir}）は同じデータ・同じページ設定から作られています"
            "（作り直すときは --force を付けます）。"
        )
        return True

    if args.source is None:
        loaded = snapshot.load(Path(args.data))  # a clear message before MkDocs starts
        if unchanged(loaded.hash):
            return OK
        build_site(Path(args.data), Path(args.site_dir), config)
    else:
        result = _read_and_check(args.source)
        if not result.ok:
            print(report.format_text(result.problems))
            return INVALID
        if unchanged(snapshot.content_hash(result.data)):
            return OK
        with tempfile.TemporaryDirectory(prefix="manabi-data-") as tmp:
            data_dir = Path(tmp) / "data"
            snapshot.write(result.data, data_dir, origin=args.source)
            store.copy(Path(args.data), data_dir)
            build_site(data_dir, Path(args.site_dir), config)
    print(f"サイトを作りました: {args.site_dir}")
    return OK


def cmd_deploy(args: argparse.Namespace) -> int:
    from manabi import deploy

    if args.rollback and (args.site_dir is None or args.target is not None):
        args.usage_error("--rollback には公開先（TARGET）を 1 つだけ指定します")
    if not args.rollback and (args.site_dir is None or args.target is None):
        args.usage_error("サイトのフォルダ（SITE_DIR）と公開先（TARGET）を指定してください")
    try:
        if args.rollback:
            outcome = deploy.rollback(Path(args.site_dir))
        else:
            outcome = deploy.deploy(
                Path(args.site_dir), Path(args.target), keep=args.keep, force=args.force
            )
    except deploy.DeployRefused as exc:
        print(f"manabi: {exc}公開中のサイトは変わっていません。", file=sys.stderr)
        return INVALID
    for note in outcome.notes:
        print(note)
    verb = "前のリリースに戻しました" if args.rollback else "公開しました"
    print(f"{verb}: current → {outcome.release}（それまで: {outcome.left or 'なし'}）")
    if outcome.removed:
        print(f"削除したリリース: {'、'.join(outcome.removed)}")
    return OK


def cmd_stats(args: argparse.Namespace) -> int:
    from manabi.errors import ExportError, ExportInvalid
    from manabi.stats import report as stats_report
    from manabi.stats.run import update
    from manabi.stats.store import dump

    try:
        outcome = update(Path(args.export), Path(args.data), args.as_of)
    except ExportInvalid as exc:
        if args.format == "markdown":
            print(stats_report.format_invalid_markdown(exc), end="")
        print(stats_report.format_invalid_text(exc), file=sys.stderr)
        return INVALID
    except ExportError as exc:
        if args.format == "markdown":
            print(stats_report.format_refused_markdown(str(exc)), end="")
        print(f"manabi: {exc}\n受講データは書き出していません。", file=sys.stderr)
        return UNREADABLE
    if args.format == "json":
        print(dump(outcome.record), end="")
    elif args.format == "markdown":
        print(stats_report.format_markdown(outcome), end="")
    else:
        print(stats_report.format_text(outcome))
    return OK


def cmd_publish(args: argparse.Namespace) -> int:
    from manabi.publish import run, share

    data = Path(args.data)
    outcome = run.publish(
        run.Options(
            source=args.source,
            target=Path(args.target),
            data=data,
            site=Path(args.site_dir) if args.site_dir else data.resolve().parent / "site",
            config=Path(args.config),
            keep=args.keep,
            stats_dir=Path(args.stats_dir) if args.stats_dir else None,
            settle=share.Settle(args.settle, args.settle_limit),
            wait=args.wait,
        )
    )
    for detail in outcome.details:
        print(detail, file=sys.stderr)
    # One line per run for the journal (systemd) or the mail (cron): what changed and
    # which release is live, or why nothing was published.
    print(f"manabi publish: {' '.join(outcome.line.split())}")
    return outcome.code


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"0 から 3600 までの秒数を指定してください: {text}")
    return value


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日付は 2026-12-01 の形で指定してください: {text}"
        ) from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"1 以上の数を指定してください: {text}")
    return int(text)


def cmd_template(args: argparse.Namespace) -> int:
    from manabi.template import write_template

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        print(
            f"manabi: ひな形は .xlsx で作ります。「{out.name}」ではなく「{out.stem}.xlsx」の"
            "ように指定してください。",
            file=sys.stderr,
        )
        return UNREADABLE
    if out.exists() and not args.force:
        print(
            f"manabi: 「{out}」はもうあります。使っているブックを上書きしないよう止めました。"
            "別の名前を指定するか、上書きしてよければ --force を付けてください。",
            file=sys.stderr,
        )
        return INVALID
    if not out.parent.is_dir():
        print(f"manabi: フォルダ「{out.parent}」がありません。", file=sys.stderr)
        return UNREADABLE
    layout = write_template(out)
    print(
        f"ひな形を作りました: {out}（タブ {len(layout.sheets)} 個）。"
        "見出しのメモに書き方があります。例の行を書き換えて使ってください。"
    )
    return OK


def cmd_layout_sheet(args: argparse.Namespace) -> int:
    from manabi.layout_sheet import layout_sheet
    from manabi.sources.gsheets import is_gsheet

    if not is_gsheet(args.sheet):
        print(
            f"manabi: layout-sheet は Google スプレッドシート（URL か gsheet:<キー>）専用です"
            f"（指定: {args.sheet}）。.xlsx のひな形は manabi template OUT.xlsx で作ります。",
            file=sys.stderr,
        )
        return UNREADABLE
    print(layout_sheet(args.sheet, write=args.yes).describe())
    return OK


def cmd_serve(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve

    serve(config_file=str(args.config), dev_addr=args.dev_addr)
    return OK


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="manabi",
        description="DXまなびナビ: スプレッドシートから学習パスのサイトを作ります。",
    )
    parser.add_argument("--version", action="version", version=f"manabi {__version__}")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="コマンド", parser_class=_Parser
    )
    source_help = ".xlsx / .ods ファイル、CSV のフォルダ、または Google スプレッドシート"

    p = sub.add_parser("check", help="スプレッドシートを読み、誤りをすべて報告します")
    p.add_argument("source", metavar="SOURCE", help=source_help)
    p.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="報告の形式（markdown は CI のジョブサマリー向け）",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("sync", help="確認してから data/ にデータを書き出します")
    p.add_argument("source", metavar="SOURCE", help=source_help)
    p.add_argument("--data", default="data", help="書き出し先のフォルダ（既定: data）")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("build", help="サイトを作ります（完成してから入れ替えます）")
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--source",
        metavar="SOURCE",
        help=source_help + "（data/ は変えません。受講状況は data/stats/ の集計を使います）",
    )
    group.add_argument("--data", default="data", help="使うデータのフォルダ（既定: data）")
    p.add_argument("--site-dir", default="site", help="サイトの出力先（既定: site）")
    p.add_argument("--config", default="mkdocs.yml", help="MkDocs の設定ファイル")
    p.add_argument(
        "--force", action="store_true", help="データとページ設定がサイトと同じでも作り直します"
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "deploy",
        help="作ったサイトを公開します（TARGET/current を切り替えます）",
        usage="manabi deploy SITE_DIR TARGET [--keep N] [--force]\n"
        "       manabi deploy --rollback TARGET",
    )
    p.add_argument("site_dir", nargs="?", metavar="SITE_DIR", help="manabi build で作ったサイト")
    p.add_argument(
        "target",
        nargs="?",
        metavar="TARGET",
        help="公開先（Web サーバーは TARGET/current を見せます）",
    )
    p.add_argument(
        "--keep", type=_positive, default=5, metavar="N", help="残すリリースの数（既定: 5）"
    )
    p.add_argument("--force", action="store_true", help="公開中より古いデータでも公開します")
    p.add_argument("--rollback", action="store_true", help="前のリリースに戻します")
    p.set_defaults(func=cmd_deploy, usage_error=p.error)

    p = sub.add_parser(
        "publish",
        help="読み込み・集計・サイト作成・公開を 1 回で行います（庁内サーバーの定期実行向け）",
        description="共有フォルダなどのスプレッドシートを読み、確認してから data/ に書き出し、"
        "--stats-dir があれば受講データを集計し、変わったときだけサイトを作って公開先の current を切り替えます。"
        "結果は 1 行で表示します。終了コード: 0 公開したか変更なし、1 公開を止めた（シートの誤りなど）、"
        "2 読めない・書けない。どの失敗でも、公開中のサイトは前のままです。",
    )
    p.add_argument("source", metavar="SOURCE", help=source_help)
    p.add_argument(
        "target", metavar="TARGET", help="公開先（Web サーバーは TARGET/current を見せます）"
    )
    p.add_argument("--data", default="data", help="データのフォルダ（既定: data）")
    p.add_argument(
        "--site-dir",
        metavar="DIR",
        help="サイトを作るフォルダ（既定: データのフォルダの隣の site）",
    )
    p.add_argument("--config", default="mkdocs.yml", help="MkDocs の設定ファイル")
    p.add_argument(
        "--keep", type=_positive, default=5, metavar="N", help="残すリリースの数（既定: 5）"
    )
    p.add_argument(
        "--stats-dir",
        metavar="DIR",
        help="Udemy Business の受講データ（.csv）を置くフォルダ。いちばん新しいものを集計します",
    )
    p.add_argument(
        "--settle",
        type=_seconds,
        default=3.0,
        metavar="秒",
        help="ファイルの大きさと更新日時がこの秒数変わらなくなってから読みます（既定: 3）",
    )
    p.add_argument(
        "--settle-limit",
        type=_seconds,
        default=60.0,
        metavar="秒",
        help="変わり続けるファイルを待つ最長の秒数（既定: 60）",
    )
    p.add_argument(
        "--wait",
        type=_seconds,
        default=0.0,
        metavar="秒",
        help="別の公開が実行中のとき、終わるのを待つ最長の秒数（既定: 0 = 待たずに終わる）",
    )
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser(
        "stats",
        help="Udemy Business の受講データから、部署ごとの受講状況を集計します（個人の情報は書き出しません）",
        description="Udemy Business の「ユーザーのコースアクティビティ」レポート（CSV）を読み、"
        "部署ごと・市全体の受講状況を集計して data/stats/ に書き出します。"
        "名前・メールアドレス・ID は読み込まず、集計した数字だけを書き出します。"
        "公開する最小人数より少ない人数の数字は非公開にします。",
    )
    p.add_argument("export", metavar="EXPORT.csv", help="Udemy Business からダウンロードした CSV")
    p.add_argument("--data", default="data", help="シートのデータと集計のフォルダ（既定: data）")
    p.add_argument(
        "--as-of",
        type=_day,
        metavar="YYYY-MM-DD",
        help="集計日（既定: 受講データの中でいちばん新しい日付）",
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="表示の形式（json は書き出した内容そのもの、markdown は CI のジョブサマリー向け）",
    )
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "template", help="入力用のひな形（見出し・メモ・プルダウン・例の行つき .xlsx）を作ります"
    )
    p.add_argument("out", metavar="OUT.xlsx", help="作るファイル")
    p.add_argument("--force", action="store_true", help="同じ名前のファイルがあれば上書きします")
    p.set_defaults(func=cmd_template)

    layout_help = (
        "Google スプレッドシートに、入力用のタブ（見出し・メモ・プルダウン・例の行）を作ります。"
        "シートに書き込むコマンドです: サービスアカウントを「編集者」として共有し、"
        "読み書きの権限（https://www.googleapis.com/auth/spreadsheets）を使います。"
        "足りないタブを足すだけで、あるタブには触れません。--yes がなければ、何をするか表示するだけです"
    )
    p = sub.add_parser(
        "layout-sheet",
        help="Google スプレッドシートに入力用のタブを作ります（書き込みます。--yes が必要）",
        description=layout_help + "。",
    )
    p.add_argument(
        "sheet",
        metavar="gsheet:<キー>|URL",
        help="書き込む Google スプレッドシート（ブラウザのアドレス欄の URL か gsheet:<キー>）",
    )
    p.add_argument(
        "--yes", action="store_true", help="本当に書き込みます（付けなければ何も書き込みません）"
    )
    p.set_defaults(func=cmd_layout_sheet)

    p = sub.add_parser("serve", help="プレビュー用にサイトを表示します")
    p.add_argument("--config", default="mkdocs.yml", help="MkDocs の設定ファイル")
    p.add_argument("--dev-addr", default="127.0.0.1:8000", help="待ち受けるアドレス")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except ManabiError as exc:  # cannot read the source, the snapshot, or build
        print(f"manabi: {exc}", file=sys.stderr)
        return UNREADABLE
    except KeyboardInterrupt:
        print("manabi: 中断しました。データとサイトは前のまま変わっていません。", file=sys.stderr)
        return 130
    except Exception:
        if os.environ.get("MANABI_DEBUG"):
            raise
        print(
            "manabi: 予期しない問題で止まりました。データとサイトは前のまま変わっていません。"
            "担当の開発者に連絡してください（MANABI_DEBUG=1 を付けて実行すると詳しい情報が出ます）。",
            file=sys.stderr,
        )
        return UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
