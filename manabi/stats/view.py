"""What the site shows of the learning figures: the 受講状況 page, division and course pages.

Read from ``Site.learning_records`` (the aggregate records in ``data/stats/``,
oldest first, already withheld where a figure is about too few people) and
the current sheet; nothing here reads the export or sees a person.

- :func:`learning_view` gives one :class:`LearningView` per site (``None``
  when nothing has been computed yet): the latest record's as-of day and
  sheet, the city's :class:`Figures`, one :class:`DivisionRow` per division of
  the sheet in 表示順, the catalogue courses most taken, the titles of other
  courses taken, the trend of the city totals over every recorded day, and
  the charts' geometry.
- Rates are worked out from one group's own published figures only:
  達成率 = quota_met / learners, 継続率 = continuing / quota_met, minutes per
  learner, and participation (参加率) = learners / 職員数 where 部署!職員数 is
  known. The city's participation uses the published city total and is shown
  only when every division has 職員数. A withheld group has no figure at all,
  so no rate, chart bar or difference is ever made from a withheld one, and
  nothing is shown for "the rest" (city minus published divisions), which
  would reveal what is withheld.
- ``sheet_changed``: the sheet's basis (its divisions' Udemy groups, the
  courses' Udemy IDs, 必須受講数, 受講期限, the threshold) differs from the one
  the latest figures were computed with; the pages then say so.

Charts are inline SVG written by our own Jinja macros
(``templates/_charts.html``) from the geometry computed here: text is real
``<text>``, nothing is fetched, nothing runs in the browser. matplotlib's SVG
backend was measured first (throwaway venv, matplotlib 3.11.2, this 2-core
machine): ``import matplotlib.figure, matplotlib.backends.backend_svg`` took
0.86–2.4 s (``-X importtime``, 1.6–1.8 s of it even with numpy already
loaded) and one four-point line chart 0.09–0.43 s to draw, against a budget
of 0.18 s (a build with statistics ≤ 1.15× the 1.2 s build without). It also
lays Japanese out with DejaVu's metrics (no CJK glyphs: a warning per
character) and writes its own ids and clip paths. Ours draw both charts in
about 10 ms once their templates are compiled; a build of the sample with
its four records used 1.05–1.07× the CPU time of one without.

The sheet's basis comes from :mod:`manabi.stats.basis`, the rule ``manabi
stats`` records, kept free of pandas and NumPy (0.8 s to import, which the
build does not otherwise need).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
import weakref
from dataclasses import dataclass, field
from typing import Any

from manabi.model import Site
from manabi.schema import TABS_BY_KEY
from manabi.stats.basis import DEFAULT_THRESHOLD, basis, basis_hash

Record = dict[str, Any]
TOP_COURSES = 10  # catalogue courses listed on the 受講状況 page
DEFAULT_QUOTA = TABS_BY_KEY["settings"].column("quota").default

# --- the sheet's basis ---------------------------------------------------------


def current_basis(site: Site) -> Record:
    """What in the current sheet the figures depend on (the rule ``manabi stats`` records)."""
    return basis({"settings": site.settings, "divisions": site.divisions, "courses": site.courses})


# --- figures and rates -----------------------------------------------------------


def _ratio(part: int | None, whole: int | None) -> float | None:
    if part is None or whole is None or whole <= 0:
        return None
    return part / whole


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class Figures:
    """One group's published figures; ``None`` for each withheld one.

    ``staff`` is 部署!職員数 (or the city's sum), known or not; every rate is
    ``None`` when a figure it needs is.
    """

    learners: int | None = None
    quota_met: int | None = None
    continuing: int | None = None
    minutes: int | None = None
    staff: int | None = None

    @classmethod
    def of(cls, record: Record | None, staff: int | None = None) -> Figures:
        record = record or {}
        return cls(
            learners=_count(record.get("learners")),
            quota_met=_count(record.get("quota_met")),
            continuing=_count(record.get("continuing")),
            minutes=_count(record.get("minutes")),
            staff=staff,
        )

    @property
    def published(self) -> bool:
        return self.learners is not None

    @property
    def quota_rate(self) -> float | None:
        """達成率: of those who learn, the share who met 必須受講数."""
        return _ratio(self.quota_met, self.learners)

    @property
    def continuing_rate(self) -> float | None:
        """継続率: of those who met 必須受講数, the share still learning after."""
        return _ratio(self.continuing, self.quota_met)

    @property
    def minutes_per_learner(self) -> float | None:
        return _ratio(self.minutes, self.learners)

    @property
    def participation(self) -> float | None:
        """参加率: learners / 職員数, only where 職員数 is known."""
        return _ratio(self.learners, self.staff)

    @property
    def met_only(self) -> int | None:
        """Met 必須受講数 and not (yet) learning after it (the chart's 達成)."""
        if self.quota_met is None or self.continuing is None:
            return None
        return self.quota_met - self.continuing

    @property
    def on_the_way(self) -> int | None:
        """Learning, 必須受講数 not met yet (the chart's 受講中)."""
        if self.learners is None or self.quota_met is None:
            return None
        return self.learners - self.quota_met


PUBLISHED, WITHHELD, NOT_YET = "published", "withheld", "not-yet"


@dataclass(frozen=True, slots=True)
class DivisionRow:
    """A division of the sheet and its figures in the latest record.

    ``state``: ``published``; ``withheld`` (too few learners, or derivable from
    the others: one notice for both, never which); ``not-yet`` (the division is
    not in the record: added to the sheet after the figures were computed).
    """

    division: Record
    figures: Figures
    state: str


@dataclass(frozen=True, slots=True)
class CourseRow:
    """A catalogue course's city-wide counts (``None`` each when withheld).

    ``progress``: the mean % Marked Completed of those who took it (0–100).
    """

    course: Record
    learners: int | None
    completed: int | None
    state: str
    progress: int | None = None

    @classmethod
    def of(cls, course: Record, figures: Record) -> CourseRow:
        learners = _count(figures.get("learners"))
        return cls(
            course,
            learners,
            _count(figures.get("completed")),
            PUBLISHED if learners is not None else WITHHELD,
            _count(figures.get("progress")),
        )


@dataclass(frozen=True, slots=True)
class TrendPoint:
    as_of: str
    city: Figures


# --- chart geometry --------------------------------------------------------------

FONT = 12  # chart text size in viewBox units (about the body text at 375 px)
CHART_WIDTH = 340


def text_width(text: str, size: float = FONT) -> float:
    """About how wide ``text`` is set: a CJK character 1 em, anything else 0.6 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.6 * size for c in text)


def _fit(text: str, room: float, size: float = FONT) -> float | None:
    """A ``textLength`` that squeezes ``text`` into ``room``, or ``None`` when it fits."""
    return round(room, 1) if text_width(text, size) > room else None


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    value: int


@dataclass(frozen=True, slots=True)
class Line:
    key: str
    label: str
    points: list[Point]
    runs: list[list[Point]]  # unbroken stretches (a withheld day breaks the line)
    legend_y: float


@dataclass(frozen=True, slots=True)
class LineChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    y_ticks: list[Tick]
    x_ticks: list[tuple[float, list[str]]]
    lines: list[Line]


@dataclass(frozen=True, slots=True)
class Segment:
    key: str
    label: str
    count: int
    x: float
    width: float
    percent: int
    labelled: bool  # wide enough for its percentage inside


@dataclass(frozen=True, slots=True)
class Bar:
    name: str
    name_length: float | None  # textLength when the name had to be squeezed
    y: float
    segments: list[Segment]


@dataclass(frozen=True, slots=True)
class LegendItem:
    key: str
    label: str
    x: float


@dataclass(frozen=True, slots=True)
class BarChart:
    width: int
    height: int
    label_width: float
    bar_left: float
    bar_width: float
    bar_height: float
    legend: list[LegendItem]
    bars: list[Bar]
    axis_y: float
    ticks: list[Tick]


TREND_SERIES = (
    ("learners", "受講した人"),
    ("quota_met", "必須を達成した人"),
    ("continuing", "学び続けている人"),
)
SEGMENTS = (("continuing", "継続中"), ("met_only", "達成"), ("on_the_way", "受講中"))


def nice_ticks(top: int, count: int = 4) -> list[int]:
    """Round steps (1, 2 or 5 × 10ⁿ people) from 0 to at least ``top``."""
    top = max(int(top), 1)
    raw = top / count
    magnitude = 10 ** max(math.floor(math.log10(raw)), 0) if raw >= 1 else 1
    steps = (1, 2, 2.5, 5, 10) if magnitude >= 10 else (1, 2, 5, 10)
    step = int(next(m * magnitude for m in steps if m * magnitude >= raw))
    return [i * step for i in range(math.ceil(top / step) + 1)]


def _day_label(day: dt.date, with_year: bool) -> list[str]:
    label = [f"{day.month}月{day.day}日"]
    return [*label, f"{day.year}年"] if with_year else label


def trend_chart(points: list[TrendPoint]) -> LineChart:
    """City totals per recorded day; x by date, so uneven gaps look uneven."""
    left, right, top = 44.0, CHART_WIDTH - 28.0, 16 + 18 * len(TREND_SERIES) + 8  # half a day label
    bottom = top + 170.0
    height = int(bottom + 46)  # two lines of day labels under the axis
    values = [
        getattr(p.city, key) for p in points for key, _ in TREND_SERIES if getattr(p.city, key)
    ]
    ticks = nice_ticks(max(values, default=1))
    y_max = ticks[-1]

    def y_of(value: int) -> float:
        return round(bottom - (bottom - top) * value / y_max, 1)

    days = [dt.date.fromisoformat(p.as_of) for p in points]
    span = (days[-1] - days[0]).days if days else 0

    def x_of(day: dt.date) -> float:
        if span == 0:
            return round((left + right) / 2, 1)
        return round(left + (right - left) * (day - days[0]).days / span, 1)

    xs = [x_of(day) for day in days]
    x_ticks: list[tuple[float, list[str]]] = []
    gap = 52.0  # room for 「12月31日」
    chosen: list[int] = []
    for i, x in enumerate(xs):
        if not chosen or x - xs[chosen[-1]] >= gap:
            chosen.append(i)
    if chosen and chosen[-1] != len(xs) - 1:  # the latest day is always labelled
        if len(chosen) > 1 and xs[-1] - xs[chosen[-1]] < gap:
            chosen.pop()
        chosen.append(len(xs) - 1)
    shown_year = None
    for i in chosen:
        x_ticks.append((xs[i], _day_label(days[i], days[i].year != shown_year)))
        shown_year = days[i].year

    lines = []
    for n, (key, label) in enumerate(TREND_SERIES):
        line_points, runs, run = [], [], []
        for x, p in zip(xs, points, strict=True):
            value = getattr(p.city, key)
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            point = Point(x, y_of(value), value)
            line_points.append(point)
            run.append(point)
        if run:
            runs.append(run)
        lines.append(Line(key, label, line_points, runs, legend_y=16 + 18 * n))
    return LineChart(
        width=CHART_WIDTH,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        y_ticks=[Tick(y_of(t), f"{t:,}") for t in ticks],
        x_ticks=x_ticks,
        lines=lines,
    )


def _percentages(counts: list[int]) -> list[int]:
    """Whole percentages of ``counts`` that add up to 100 (largest remainder)."""
    total = sum(counts)
    exact = [100 * c / total for c in counts]
    whole = [math.floor(e) for e in exact]
    by_remainder = sorted(range(len(counts)), key=lambda i: whole[i] - exact[i])
    for i in by_remainder[: 100 - sum(whole)]:
        whole[i] += 1
    return whole


def division_chart(rows: list[DivisionRow]) -> BarChart | None:
    """One 100 % bar per published division, in 表示順 (not sorted by any figure)."""
    label_width, bar_left, pitch, bar_height = 116.0, 124.0, 22.0, 15.0
    bar_width = CHART_WIDTH - bar_left - 6
    first_bar = 30.0  # below the legend
    legend, x = [], bar_left
    for key, label in SEGMENTS:
        legend.append(LegendItem(key, label, round(x, 1)))
        x += 16 + text_width(label) + 14
    bars = []
    for row in rows:
        f = row.figures
        if row.state != PUBLISHED or not f.learners:
            continue
        counts = [getattr(f, key) or 0 for key, _ in SEGMENTS]
        percents = _percentages(counts)
        segments, x = [], bar_left
        for (key, label), count, percent in zip(SEGMENTS, counts, percents, strict=True):
            width = bar_width * count / f.learners
            if count:
                segments.append(
                    Segment(
                        key=key,
                        label=label,
                        count=count,
                        x=round(x, 1),
                        width=round(width, 1),
                        percent=percent,
                        labelled=width >= text_width(f"{percent}%", FONT - 1) + 6,
                    )
                )
            x += width
        name = str(row.division["name"])
        y = first_bar + pitch * len(bars)
        bars.append(Bar(name, _fit(name, label_width), round(y, 1), segments))
    if not bars:
        return None
    axis_y = first_bar + pitch * len(bars) + 2
    ticks = [Tick(round(bar_left + bar_width * p / 100, 1), f"{p}%") for p in (0, 50, 100)]
    return BarChart(
        width=CHART_WIDTH,
        height=int(axis_y + 20),
        label_width=label_width,
        bar_left=bar_left,
        bar_width=bar_width,
        bar_height=bar_height,
        legend=legend,
        bars=bars,
        axis_y=axis_y,
        ticks=ticks,
    )


# --- the view --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LearningView:
    as_of: str  # ISO day of the latest record
    threshold: int
    quota: int
    deadline: str | None  # 受講期限 the figures were computed with
    read_at: str | None  # when the sheet the figures were computed with was read
    sheet_changed: bool
    city: Figures
    divisions: list[DivisionRow]
    top_courses: list[CourseRow]
    other_courses: list[str]  # titles from the export: text, never markup
    trend: list[TrendPoint]
    trend_chart: LineChart
    division_chart: BarChart | None
    _division: dict[str, DivisionRow] = field(repr=False)
    _course: dict[str, Record] = field(repr=False)

    def division(self, division: Record) -> DivisionRow:
        return self._division[division["id"]]

    def course(self, course: Record) -> CourseRow | None:
        """The course's counts; ``None`` when it is not counted (no UdemyコースID)."""
        figures = self._course.get(course["id"])
        if figures is None:
            return CourseRow(course, None, None, NOT_YET) if course.get("udemy_id") else None
        return CourseRow.of(course, figures)


def _city_staff(site: Site) -> int | None:
    """職員数 of the whole city: only when every division has one."""
    staff = [d.get("staff") for d in site.divisions]
    if not staff or any(not isinstance(s, int) or s <= 0 for s in staff):
        return None
    return sum(staff)  # type: ignore[arg-type]


def build_view(site: Site) -> LearningView | None:
    """What the pages show; ``None`` when no figures have been computed yet."""
    records = site.learning_records
    if not records:
        return None
    latest = records[-1]
    basis = latest.get("basis") or {}
    sheet = latest.get("sheet") or {}
    city = Figures.of(latest.get("total"), _city_staff(site))

    in_record = latest.get("divisions") or {}
    rows = []
    for division in site.divisions:
        staff = division.get("staff") if isinstance(division.get("staff"), int) else None
        if division["id"] not in in_record:
            rows.append(DivisionRow(division, Figures(staff=staff), NOT_YET))
            continue
        figures = Figures.of(in_record[division["id"]], staff)
        rows.append(DivisionRow(division, figures, PUBLISHED if figures.published else WITHHELD))

    courses = latest.get("courses") or {}
    published = [
        row
        for cid, c in courses.items()
        if cid in site.course and (row := CourseRow.of(site.course[cid], c)).state == PUBLISHED
    ]
    published.sort(key=lambda r: (-(r.learners or 0), -(r.completed or 0), r.course["id"]))

    trend = [TrendPoint(str(r["as_of"]), Figures.of(r.get("total"))) for r in records]
    return LearningView(
        as_of=str(latest["as_of"]),
        threshold=int(latest.get("threshold") or basis.get("threshold") or DEFAULT_THRESHOLD),
        quota=int(basis.get("quota") if basis.get("quota") is not None else DEFAULT_QUOTA),
        deadline=basis.get("deadline"),
        read_at=sheet.get("read_at"),
        sheet_changed=sheet.get("basis") != basis_hash(current_basis(site)),
        city=city,
        divisions=rows,
        top_courses=published[:TOP_COURSES],
        other_courses=[
            str(o["title"]) for o in latest.get("other_courses") or [] if o.get("title")
        ],
        trend=trend,
        trend_chart=trend_chart(trend),
        division_chart=division_chart(rows),
        _division={row.division["id"]: row for row in rows},
        _course=courses,
    )


_views: weakref.WeakKeyDictionary[Site, LearningView | None] = weakref.WeakKeyDictionary()


def learning_view(site: Site) -> LearningView | None:
    """:func:`build_view`, worked out once per site (every division page asks)."""
    if site not in _views:
        _views[site] = build_view(site)
    return _views[site]


# --- words and numbers as staff read them ---------------------------------------


def day_ja(value: object) -> str:
    """``2026-12-01`` → ``2026年12月1日``."""
    day = dt.date.fromisoformat(str(value))
    return f"{day.year}年{day.month}月{day.day}日"


def people(value: int | None) -> str:
    return "—" if value is None else f"{value:,}人"


def percent(value: float | None) -> str:
    """A share as a whole percentage; never 0 % or 100 % unless it is exactly that."""
    if value is None:
        return "—"
    whole = math.floor(value * 100 + 0.5)
    if value > 0:
        whole = max(whole, 1)
    if value < 1:
        whole = min(whole, 99)
    return f"{whole}%"


def duration(minutes: float | None) -> str:
    """Minutes as 時間 and 分: ``572.9`` → ``9時間33分``."""
    if minutes is None:
        return "—"
    total = math.floor(minutes + 0.5)
    hours, rest = divmod(total, 60)
    if not hours:
        return f"{rest}分"
    return f"{hours}時間{rest}分" if rest else f"{hours}時間"
