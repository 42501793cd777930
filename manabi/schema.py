"""The spreadsheet contract (version 1), declared once.

This module is the only place a tab, a column or a rule is written down.
Validation, the snapshot's file and field names, the fill-in guide page and
the blank template all read it; change a column here and every one follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from manabi import kinds
from manabi.kinds import Kind

SCHEMA_VERSION = 1

DIVISION_KINDS = ("区役所", "局", "室", "委員会", "その他")
CONTACT_ROLES = ("主担当", "副担当")
COURSE_STATES = ("公開", "停止")
STEP_CATEGORIES = ("必須", "推奨", "発展")
EVENT_KINDS = ("もくもく会", "対面研修", "オンライン研修", "説明会", "その他")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a tab (or one item of the settings tab)."""

    name: str  # the Japanese header the secretariat sees
    key: str  # the field name in the snapshot and in page templates
    kind: Kind
    help: str  # what to enter, in Japanese; shown in the guide and the template
    example: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str | None = None  # name of the tab whose ID this column refers to
    also: tuple[str, ...] = ()  # values accepted besides IDs of ``ref`` (e.g. 種別)
    many: bool = False  # a list cell: items separated by ``separators`` or a line break
    separators: str = kinds.LIST_SEPARATORS
    default: object = None
    shared: bool = False  # a slug several rows share (標準ID): not the row's own ID

    @property
    def is_id(self) -> bool:
        return self.kind is kinds.SLUG_ID and self.ref is None and not self.shared


@dataclass(frozen=True, slots=True)
class Tab:
    """One tab: one row is one ``row_is``; ``unique`` lists key column sets."""

    name: str
    key: str  # snapshot file name: data/<key>.json
    row_is: str
    about: str
    columns: tuple[Column, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    order: tuple[str, ...] = ()  # snapshot sort order (column keys)
    settings: bool = False  # 項目/値 pairs instead of rows
    optional: bool = False  # a sheet without this tab is valid (the tab counts as empty)
    # (column, by): rows with the same ``by`` value must agree on ``column`` (標準名 per 標準ID)
    same_within: tuple[tuple[str, str], ...] = ()

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def id_column(self) -> Column | None:
        return next((c for c in self.columns if c.is_id), None)

    @property
    def headers(self) -> tuple[str, ...]:
        return SETTINGS_HEADERS if self.settings else tuple(c.name for c in self.columns)


SETTINGS_HEADERS = ("項目", "値")


def _c(name: str, key: str, kind: Kind, help: str, example: str = "", **rest: object) -> Column:
    return Column(name=name, key=key, kind=kind, help=help, example=example, **rest)  # type: ignore[arg-type]


AUDIENCE_HELP = (
    "対象にする部署ID か 種別（{}）を「,」か「、」で区切って入力します。空欄なら全部署が対象です。"
).format("/".join(DIVISION_KINDS))

# Who a path step or an event is for; one column shared by 推奨 and 予定.
AUDIENCE = _c(
    "対象",
    "audience",
    kinds.SLUG_ID,
    AUDIENCE_HELP,
    "",
    ref="部署",
    also=DIVISION_KINDS,
    many=True,
)

TABS: tuple[Tab, ...] = (
    Tab(
        name="設定",
        key="settings",
        row_is="設定 1 項目",
        about="サイト全体の設定です。A列に項目名、B列に値を入力します。",
        settings=True,
        columns=(
            _c(
                "サイト名",
                "site_name",
                kinds.TEXT,
                "サイトの名前です。",
                "DXまなびナビ",
                required=True,
            ),
            _c("受講期限", "deadline", kinds.DATE, "必須受講数を満たす期限です。", "2027-03-31"),
            _c(
                "必須受講数",
                "quota",
                kinds.INTEGER,
                "期限までに受講する講座の数です。",
                "3",
                default=3,
            ),
            _c(
                "相談フォームURL",
                "consult_url",
                kinds.URL,
                "相談を受け付けるフォームの URL です。",
                "https://forms.example.jp/dx-soudan",
            ),
            _c(
                "サイトURL",
                "site_url",
                kinds.SITE_URL,
                "このサイトを公開するアドレス（トップページの URL）です"
                "（例: https://intranet.city.example.jp/dx/manabi/）。入力すると、"
                "サイトマップと各ページの正式な URL が作られ、サーバーのフォルダの中に"
                "置いても「ページが見つかりません」のページが正しく表示されます。"
                "空欄でもサイトは作れます（ひな形では空欄です）。",
            ),
            _c(
                "お知らせ",
                "notice",
                kinds.TEXT,
                "トップページに表示するお知らせです。",
                "もくもく会の参加者を募集しています。",
            ),
            _c(
                "公開する最小人数",
                "min_group",
                kinds.MIN_GROUP,
                "受講状況の数字を公開する、部署や講座ごとの最小の人数です。"
                "これより少ない人数の数字は「非公開」と表示します。",
                "10",
                default=10,
            ),
        ),
    ),
    Tab(
        name="部署",
        key="divisions",
        row_is="部署 1 つ",
        about="区役所・局・室・委員会など、学習パスを表示する部署の一覧です。",
        columns=(
            _c(
                "部署ID",
                "id",
                kinds.SLUG_ID,
                "ページの URL になる ID です。",
                "kita",
                required=True,
            ),
            _c("部署名", "name", kinds.TEXT, "部署の正式な名前です。", "北区役所", required=True),
            _c(
                "種別",
                "kind",
                kinds.CHOICE,
                "部署の種類を選びます。",
                "区役所",
                required=True,
                choices=DIVISION_KINDS,
            ),
            _c("表示順", "order", kinds.INTEGER, "一覧で並べる順番です。小さい順に並びます。", "1"),
            _c(
                "担当分野",
                "areas",
                kinds.SLUG_ID,
                "この部署の担当分野の分野ID です。空欄なら全分野を表示します。",
                "data",
                ref="分野",
                many=True,
            ),
            _c("備考", "note", kinds.TEXT, "部署ページに表示する補足です。", ""),
            _c(
                "Udemyグループ",
                "udemy_groups",
                kinds.TEXT,
                "Udemy Business でこの部署の職員が入っているグループの名前です。"
                "空欄なら部署名をグループ名として使います。受講状況の集計に使います。",
                "北区役所",
                many=True,
                separators="、",  # a Udemy group name may hold a ","
            ),
            _c(
                "職員数",
                "staff",
                kinds.HEADCOUNT,
                "この部署の職員の人数です。受講した人の割合（参加率）の計算に使います。",
                "120",
            ),
        ),
        unique=(("id",),),
        order=("id",),
    ),
    Tab(
        name="窓口担当",
        key="contacts",
        row_is="部署の相談窓口の担当者 1 人",
        about="部署ごとの相談窓口（DX推進の窓口担当者）です。",
        columns=(
            _c(
                "部署ID",
                "division",
                kinds.SLUG_ID,
                "担当する部署の部署ID です。",
                "kita",
                required=True,
                ref="部署",
            ),
            _c("担当者名", "name", kinds.TEXT, "担当者の氏名です。", "大阪 花子", required=True),
            _c(
                "所属",
                "team",
                kinds.TEXT,
                "担当者の所属です。",
                "デジタル統括室 DX人材育成グループ",
            ),
            _c(
                "役割",
                "role",
                kinds.CHOICE,
                "主担当か副担当かを選びます。",
                "主担当",
                choices=CONTACT_ROLES,
            ),
            _c(
                "メール",
                "email",
                kinds.EMAIL_ADDRESS,
                "連絡用のメールアドレスです。",
                "hanako@city.example.jp",
            ),
            _c(
                "内線",
                "extension",
                kinds.PHONE_EXTENSION,
                "内線番号です。先頭が 0 の番号は、列の表示形式を「書式なしテキスト」にしてから"
                "入力します（数値のセルでは 03125 が 3125 になります）。",
                "03125",
            ),
            _c("備考", "note", kinds.TEXT, "連絡の際の補足（在席曜日など）です。", ""),
        ),
        unique=(("division", "name"),),
        order=("division", "name"),
    ),
    Tab(
        name="分野",
        key="areas",
        row_is="担当分野 1 つ",
        about="スキルマップと学習パスを分ける担当分野です。",
        columns=(
            _c(
                "分野ID",
                "id",
                kinds.SLUG_ID,
                "ページの URL になる ID です。",
                "data",
                required=True,
            ),
            _c("分野名", "name", kinds.TEXT, "分野の名前です。", "データ活用", required=True),
            _c("説明", "description", kinds.TEXT, "分野の説明です。", ""),
            _c("表示順", "order", kinds.INTEGER, "一覧で並べる順番です。", "1"),
        ),
        unique=(("id",),),
        order=("id",),
    ),
    Tab(
        name="レベル",
        key="levels",
        row_is="スキルマップのレベル 1 つ",
        about="スキルマップの段階（入門・基礎・応用・専門など）です。",
        columns=(
            _c("レベルID", "id", kinds.SLUG_ID, "レベルの ID です。", "intro", required=True),
            _c("レベル名", "name", kinds.TEXT, "レベルの名前です。", "入門", required=True),
            _c(
                "表示順",
                "order",
                kinds.INTEGER,
                "やさしい順に 1, 2, 3… と入力します。",
                "1",
                required=True,
            ),
            _c("説明", "description", kinds.TEXT, "どんな人向けのレベルかの説明です。", ""),
        ),
        unique=(("id",), ("order",)),
        order=("order",),
    ),
    Tab(
        name="スキル",
        key="skills",
        row_is="ある分野・あるレベルのスキル 1 つ（スキルマップの 1 マス）",
        about="担当分野ごと・レベルごとに、できるようになることを書きます。",
        columns=(
            _c(
                "スキルID", "id", kinds.SLUG_ID, "スキルの ID です。", "data-intro-1", required=True
            ),
            _c(
                "分野ID",
                "area",
                kinds.SLUG_ID,
                "このスキルの分野ID です。",
                "data",
                required=True,
                ref="分野",
            ),
            _c(
                "スキル名",
                "name",
                kinds.TEXT,
                "スキルの名前です。",
                "データの読み方",
                required=True,
            ),
            _c(
                "レベルID",
                "level",
                kinds.SLUG_ID,
                "このスキルのレベルID です。",
                "intro",
                required=True,
                ref="レベル",
            ),
            _c(
                "できること",
                "can_do",
                kinds.TEXT,
                "このレベルでできるようになることです。",
                "グラフから傾向を読み取れる",
                required=True,
            ),
            _c(
                "標準区分",
                "standards",
                kinds.SLUG_ID,
                "このスキルが対応する、国などの標準の区分です。「標準」タブの区分ID を入力します。"
                "空欄なら、どの区分にも対応させません。",
                "dss-l-what",
                ref="標準",
                many=True,
                separators="、",
            ),
        ),
        unique=(("id",),),
        order=("id",),
    ),
    Tab(
        name="講座",
        key="courses",
        row_is="講座 1 つ",
        about="おすすめする講座（Udemy Business、庁内研修など）の一覧です。",
        columns=(
            _c(
                "講座ID",
                "id",
                kinds.SLUG_ID,
                "ページの URL になる ID です。",
                "c001",
                required=True,
            ),
            _c(
                "講座名",
                "title",
                kinds.TEXT,
                "講座の名前です。",
                "はじめてのデータ活用",
                required=True,
            ),
            _c("提供元", "provider", kinds.TEXT, "講座の提供元です。", "Udemy Business"),
            _c(
                "URL",
                "url",
                kinds.URL,
                "講座のページの URL です。",
                "https://udemy.example.com/course/data-intro/",
                required=True,
            ),
            _c("時間", "hours", kinds.HOURS, "受講にかかる時間です。", "1.5"),
            _c("レベルID", "level", kinds.SLUG_ID, "講座のレベルID です。", "intro", ref="レベル"),
            _c(
                "スキルID",
                "skills",
                kinds.SLUG_ID,
                "身につくスキルのスキルID です。",
                "data-intro-1",
                ref="スキル",
                many=True,
            ),
            _c(
                "状態",
                "status",
                kinds.CHOICE,
                "停止にすると学習パスに表示しません。",
                "公開",
                choices=COURSE_STATES,
                default="公開",
            ),
            _c("説明", "description", kinds.TEXT, "講座の内容の説明です。", ""),
            _c(
                "UdemyコースID",
                "udemy_id",
                kinds.DIGITS_ID,
                "Udemy Business のコースID（数字）です。受講状況の集計で、この講座と"
                "受講データを結びつけます。Udemy Business 以外の講座は空欄にします。",
                "1565838",
            ),
        ),
        unique=(("id",), ("udemy_id",)),
        order=("id",),
    ),
    Tab(
        name="推奨",
        key="steps",
        row_is="学習パスの 1 ステップ（ある分野・レベルでおすすめする講座 1 つ）",
        about="分野とレベルごとに、受講をすすめる講座と順番を決めます。",
        columns=(
            _c(
                "分野ID",
                "area",
                kinds.SLUG_ID,
                "学習パスの分野ID です。",
                "data",
                required=True,
                ref="分野",
            ),
            _c(
                "レベルID",
                "level",
                kinds.SLUG_ID,
                "学習パスのレベルID です。",
                "intro",
                required=True,
                ref="レベル",
            ),
            _c(
                "順番",
                "order",
                kinds.INTEGER,
                "同じ分野・レベルの中で受講する順番です。",
                "1",
                required=True,
            ),
            _c(
                "講座ID",
                "course",
                kinds.SLUG_ID,
                "すすめる講座の講座ID です。",
                "c001",
                required=True,
                ref="講座",
            ),
            _c(
                "区分",
                "category",
                kinds.CHOICE,
                "必須・推奨・発展から選びます。",
                "推奨",
                choices=STEP_CATEGORIES,
                default="推奨",
            ),
            AUDIENCE,
            _c("コメント", "comment", kinds.TEXT, "受講する人へのひとことです。", ""),
        ),
        unique=(("area", "level", "course"),),
        order=("area", "level", "order", "course"),
    ),
    Tab(
        name="予定",
        key="events",
        row_is="もくもく会や研修などの予定 1 件",
        about="もくもく会・対面研修などの開催予定です。",
        columns=(
            _c("日付", "date", kinds.DATE, "開催日です。", "2026-12-03", required=True),
            _c("開始", "start", kinds.TIME, "開始時刻です。", "15:00"),
            _c("終了", "end", kinds.TIME, "終了時刻です。", "17:00"),
            _c(
                "種別",
                "kind",
                kinds.CHOICE,
                "予定の種類を選びます。",
                "もくもく会",
                required=True,
                choices=EVENT_KINDS,
            ),
            _c(
                "タイトル",
                "title",
                kinds.TEXT,
                "予定の名前です。",
                "12月のもくもく会",
                required=True,
            ),
            _c(
                "場所",
                "place",
                kinds.TEXT,
                "会場、またはオンラインの案内です。",
                "本庁舎 7階 会議室",
            ),
            _c("定員", "capacity", kinds.INTEGER, "定員（人数）です。", "20"),
            _c(
                "申込URL",
                "url",
                kinds.URL,
                "申し込みフォームの URL です。",
                "https://forms.example.jp/mokumoku",
            ),
            AUDIENCE,
        ),
        unique=(("date", "start", "title"),),
        order=("date", "start", "title"),
    ),
    Tab(
        name="DXレター",
        key="letters",
        row_is="DXレター 1 号",
        about="毎月発行する DXレター のバックナンバーです。",
        columns=(
            _c("号", "number", kinds.INTEGER, "号数です。", "1", required=True),
            _c("発行日", "date", kinds.DATE, "発行した日です。", "2026-11-01", required=True),
            _c(
                "タイトル",
                "title",
                kinds.TEXT,
                "その号のタイトルです。",
                "生成AIを使ってみよう",
                required=True,
            ),
            _c(
                "URL",
                "url",
                kinds.URL,
                "DXレター本文の URL です。",
                "https://intra.example.jp/dx-letter/01.pdf",
            ),
            _c("概要", "summary", kinds.TEXT, "その号の内容の要約です。", ""),
        ),
        unique=(("number",),),
        order=("number",),
    ),
    Tab(
        name="標準",
        key="standards",
        row_is="ある標準の区分 1 つ（DXリテラシー標準の「What」、DX推進スキル標準の人材類型など）",
        about=(
            "市のスキルマップを対応させる、国などの標準とその区分です。"
            "行が無ければ、標準との対応のページをメニューに出しません。"
        ),
        optional=True,
        columns=(
            _c(
                "標準ID",
                "standard",
                kinds.SLUG_ID,
                "ページの URL になる標準の ID です。同じ標準の区分には同じ標準ID を入力します。",
                "dss-l",
                required=True,
                shared=True,
            ),
            _c(
                "標準名",
                "standard_name",
                kinds.TEXT,
                "標準の名前です。",
                "DXリテラシー標準（DSS-L）",
                required=True,
            ),
            _c(
                "区分ID",
                "id",
                kinds.SLUG_ID,
                "区分の ID です。「スキル」タブの標準区分で使います。",
                "dss-l-what",
                required=True,
            ),
            _c(
                "区分名",
                "name",
                kinds.TEXT,
                "区分の名前です。",
                "What（DXで活用されるデータ・技術）",
                required=True,
            ),
            _c("説明", "description", kinds.TEXT, "区分の説明です。", ""),
            _c(
                "表示順",
                "order",
                kinds.INTEGER,
                "標準のページで区分を並べる順番です。小さい順に並びます。",
                "1",
            ),
        ),
        unique=(("id",), ("standard", "name")),
        order=("standard", "id"),
        same_within=(("standard_name", "standard"),),
    ),
)

TABS_BY_NAME = {tab.name: tab for tab in TABS}


def display_order(record: dict[str, object]) -> tuple[bool, int, str]:
    """表示順 first (empty last), then the ID: the order of every list on the site."""
    order = record.get("order")
    return (order is None, order if isinstance(order, int) else 0, str(record.get("id", "")))


TABS_BY_KEY = {tab.key: tab for tab in TABS}
