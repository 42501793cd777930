"""What the site shows of the learning figures (manabi.stats.view), from records as
``manabi stats`` writes them and a sheet as validation gives it.

The records here are written by hand to hold exactly the case each test is
about; the sheet is the minimal fixture's (北区役所 kita, 総務局 somu), with
職員数 and UdemyコースID filled in where a test needs them.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools

import pytest

from manabi.model import Site
from manabi.sources import read_source
from manabi.stats import basis as sheet_basis
from manabi.stats import store, view
from manabi.validate import validate
from tests.helpers import MINIMAL, ROOT, SAMPLE

MINIMAL_DATA = validate(read_source(str(MINIMAL))).data
NULLS = dict.fromkeys(("learners", "quota_met", "continuing", "minutes"))


def sheet(staff: dict[str, int | None] | None = None, udemy: dict[str, str] | None = None):
    """The minimal sheet's data with 職員数 per division and UdemyコースID per course."""
    data = copy.deepcopy(MINIMAL_DATA)
    for division in data["divisions"]:
        division["staff"] = (staff or {}).get(division["id"])
        division.setdefault("udemy_groups", [])
    for course in data["courses"]:
        course["udemy_id"] = (udemy or {}).get(course["id"])
    data["settings"].setdefault("min_group", 10)
    return data


def figures_of(learners, quota_met, continuing, minutes):
    return {
        "learners": learners,
        "quota_met": quota_met,
        "continuing": continuing,
        "minutes": minutes,
    }


def record(data, *, as_of="2026-12-01", total=None, divisions=None, courses=None, others=()):
    """A record as ``manabi stats`` writes it, with the basis it records."""
    basis = sheet_basis.basis(data)
    return {
        "as_of": as_of,
        "threshold": 10,
        "total": total if total is not None else figures_of(40, 12, 9, 2400),
        "divisions": divisions
        if divisions is not None
        else {"kita": figures_of(22, 8, 6, 1320), "somu": figures_of(18, 4, 3, 1080)},
        "unmatched_groups": {},
        "courses": courses or {},
        "other_courses": [{"title": t, "learners": 12} for t in others],
        "sheet": {"read_at": "2026-12-02T01:30:00+00:00", "basis": sheet_basis.basis_hash(basis)},
        "basis": basis,
    }


def view_of(data, *records):
    return view.build_view(Site(data, learning=list(records)))


# --- no figures yet --------------------------------------------------------------


def test_no_records_means_no_view():
    data = sheet()
    assert view.build_view(Site(data)) is None
    assert view.learning_view(Site(data, learning=[])) is None


# --- rates -----------------------------------------------------------------------


def test_rates_come_from_one_groups_own_figures():
    f = view.Figures(learners=20, quota_met=8, continuing=6, minutes=1234, staff=100)
    assert f.quota_rate == pytest.approx(0.4)  # 達成率
    assert f.continuing_rate == pytest.approx(0.75)  # 継続率
    assert f.minutes_per_learner == pytest.approx(61.7)
    assert f.participation == pytest.approx(0.2)
    assert (f.met_only, f.on_the_way) == (2, 12)
    assert view.percent(f.quota_rate) == "40%"
    assert view.duration(f.minutes_per_learner) == "1時間2分"


def test_a_withheld_group_has_no_figure_and_no_rate_even_with_its_staff_known():
    f = view.Figures.of(NULLS, staff=300)
    assert not f.published
    assert [
        f.learners,
        f.quota_rate,
        f.continuing_rate,
        f.minutes_per_learner,
        f.participation,
        f.met_only,
        f.on_the_way,
    ] == [None] * 7


def test_no_one_met_the_quota_gives_no_continuing_rate_rather_than_a_division_by_zero():
    f = view.Figures(learners=12, quota_met=0, continuing=0, minutes=100)
    assert f.quota_rate == 0
    assert f.continuing_rate is None
    assert view.percent(f.continuing_rate) == "—"


@pytest.mark.parametrize(
    ("share", "shown"),
    [(0, "0%"), (0.004, "1%"), (0.245, "25%"), (0.996, "99%"), (1, "100%"), (None, "—")],
)
def test_a_percentage_is_never_0_or_100_unless_it_is_exactly(share, shown):
    assert view.percent(share) == shown


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(0, "0分"), (45.4, "45分"), (60, "1時間"), (572.9, "9時間33分"), (None, "—")],
)
def test_minutes_per_learner_read_as_hours_and_minutes(minutes, shown):
    assert view.duration(minutes) == shown


def test_people_and_days_read_as_staff_write_them():
    assert view.people(1234) == "1,234人"
    assert view.people(None) == "—"
    assert view.day_ja("2026-12-01") == "2026年12月1日"


# --- participation ---------------------------------------------------------------


def test_participation_only_where_the_division_has_staff_and_the_city_only_when_all_do():
    some = view_of(sheet(staff={"kita": 110}), record(sheet(staff={"kita": 110})))
    kita, somu = some.divisions
    assert kita.figures.participation == pytest.approx(22 / 110)
    assert somu.figures.participation is None
    assert some.city.participation is None  # 総務局 has no 職員数

    every = sheet(staff={"kita": 110, "somu": 90})
    full = view_of(every, record(every))
    assert full.city.participation == pytest.approx(40 / 200)  # the published total / all staff


def test_the_citys_participation_is_not_worked_out_when_its_total_is_withheld():
    data = sheet(staff={"kita": 110, "somu": 90})
    shown = view_of(data, record(data, total=NULLS, divisions={"kita": NULLS, "somu": NULLS}))
    assert shown.city.participation is None
    assert not shown.city.published


# --- withheld and missing divisions ------------------------------------------------


def test_each_division_of_the_sheet_is_published_withheld_or_not_yet_counted():
    data = sheet()
    data["divisions"].append({**data["divisions"][0], "id": "new", "name": "新設室", "order": 9})
    shown = view_of(
        data, record(data, divisions={"kita": figures_of(22, 8, 6, 1320), "somu": NULLS})
    )
    states = {row.division["id"]: row.state for row in shown.divisions}
    assert states == {"kita": view.PUBLISHED, "somu": view.WITHHELD, "new": view.NOT_YET}
    somu = shown.division({"id": "somu"})
    assert somu.figures == view.Figures(staff=None)  # nothing of its own, not even a zero
    assert [row.division["id"] for row in shown.divisions] == ["kita", "somu", "new"]  # 表示順


def test_a_withheld_division_gets_no_bar_and_a_published_one_keeps_its_place():
    data = sheet()
    shown = view_of(data, record(data, divisions={"kita": NULLS, "somu": figures_of(18, 4, 3, 9)}))
    chart = shown.division_chart
    assert [bar.name for bar in chart.bars] == ["総務局"]
    only = view_of(data, record(data, divisions={"kita": NULLS, "somu": NULLS}))
    assert only.division_chart is None


# --- the sheet changed since the figures -------------------------------------------


def test_the_sheet_basis_is_the_one_manabi_stats_records():
    for data in (
        sheet(),
        sheet(udemy={"c001": "4001"}),
        validate(read_source(str(SAMPLE))).data,
    ):
        assert view.current_basis(Site(data)) == sheet_basis.basis(data)


def test_a_sheet_changed_after_the_figures_is_noticed():
    data = sheet(udemy={"c001": "4001"})
    assert not view_of(data, record(data)).sheet_changed

    regrouped = copy.deepcopy(data)
    regrouped["divisions"][0]["udemy_groups"] = ["北区役所（窓口）"]
    assert view_of(regrouped, record(data)).sheet_changed

    relinked = copy.deepcopy(data)
    relinked["courses"][1]["udemy_id"] = "4002"
    assert view_of(relinked, record(data)).sheet_changed

    renamed_note = copy.deepcopy(data)  # what the figures do not depend on
    renamed_note["divisions"][0]["note"] = "新しい備考"
    renamed_note["courses"][0]["title"] = "新しい講座名"
    assert not view_of(renamed_note, record(data)).sheet_changed


def test_the_sample_figures_were_computed_from_the_sample_sheet():
    data = validate(read_source(str(SAMPLE))).data
    shown = view.build_view(Site(data, learning=store.load_all(ROOT / "data")))
    assert not shown.sheet_changed
    assert shown.as_of == "2026-12-01"


# --- courses -----------------------------------------------------------------------


def test_courses_most_taken_are_the_published_ones_in_the_sheet_by_learners():
    data = sheet(udemy={"c001": "1", "c002": "2", "c003": "3"})
    courses = {
        "c001": {"learners": 15, "completed": 9},
        "c002": {"learners": 31, "completed": 20},
        "c003": {"learners": None, "completed": None},
        "c999": {"learners": 80, "completed": 70},  # no longer in the sheet
    }
    shown = view_of(data, record(data, courses=courses))
    assert [(r.course["id"], r.learners) for r in shown.top_courses] == [("c002", 31), ("c001", 15)]
    site_course = {c["id"]: c for c in data["courses"]}
    assert shown.course(site_course["c003"]).state == view.WITHHELD
    assert shown.course(site_course["c003"]).learners is None


def test_a_course_with_a_new_udemy_id_is_not_yet_counted_and_one_without_is_not_counted():
    data = sheet(udemy={"c001": "1"})
    shown = view_of(data, record(data, courses={}))
    by_id = {c["id"]: c for c in data["courses"]}
    assert shown.course(by_id["c001"]).state == view.NOT_YET
    assert shown.course(by_id["c002"]) is None


def test_top_courses_stop_at_ten():
    data = sheet()
    extra = [
        {**data["courses"][0], "id": f"x{i:02}", "title": f"講座{i}", "udemy_id": str(i)}
        for i in range(14)
    ]
    data["courses"] += extra
    courses = {c["id"]: {"learners": 10 + i, "completed": i} for i, c in enumerate(extra)}
    shown = view_of(data, record(data, courses=courses))
    assert len(shown.top_courses) == view.TOP_COURSES == 10
    assert shown.top_courses[0].course["id"] == "x13"


def test_other_courses_are_titles_only_in_the_records_order():
    data = sheet()
    shown = view_of(data, record(data, others=["Python 入門", "<b>VBA</b>"]))
    assert shown.other_courses == ["Python 入門", "<b>VBA</b>"]


# --- the trend and the charts --------------------------------------------------------


def test_the_trend_is_the_city_total_of_every_recorded_day_oldest_first():
    data = sheet()
    days = [
        record(data, as_of="2026-09-01", total=figures_of(12, 1, 0, 300)),
        record(data, as_of="2026-10-01", total=NULLS),
        record(data, as_of="2026-12-01", total=figures_of(40, 12, 9, 2400)),
    ]
    shown = view_of(data, *days)
    assert [(p.as_of, p.city.learners) for p in shown.trend] == [
        ("2026-09-01", 12),
        ("2026-10-01", None),
        ("2026-12-01", 40),
    ]
    chart = shown.trend_chart
    learners = next(line for line in chart.lines if line.key == "learners")
    assert [p.value for p in learners.points] == [12, 40]
    assert len(learners.runs) == 2  # the withheld day breaks the line, nothing drawn for it
    # x by date: September at the left edge, December at the right
    assert learners.points[0].x == chart.left and learners.points[-1].x == chart.right
    assert learners.points[-1].y < learners.points[0].y  # more people, higher up
    assert [int(t.label) for t in chart.y_ticks] == [0, 10, 20, 30, 40]
    assert chart.y_ticks[-1].position == chart.top and chart.y_ticks[0].position == chart.bottom
    # every recorded day is on the axis, the withheld one too; the year once
    assert [lines for _, lines in chart.x_ticks] == [["9月1日", "2026年"], ["10月1日"], ["12月1日"]]


def test_one_recorded_day_is_a_point_in_the_middle():
    data = sheet()
    chart = view_of(data, record(data)).trend_chart
    learners = chart.lines[0]
    assert [p.x for p in learners.points] == [(chart.left + chart.right) / 2]
    assert learners.runs == [learners.points[:1]]


def test_division_bars_split_learners_into_continuing_met_and_on_the_way():
    data = sheet()
    chart = view_of(data, record(data)).division_chart
    kita = chart.bars[0]
    assert [(s.key, s.count) for s in kita.segments] == [
        ("continuing", 6),
        ("met_only", 2),
        ("on_the_way", 14),
    ]
    assert sum(s.percent for s in kita.segments) == 100
    assert sum(s.width for s in kita.segments) == pytest.approx(chart.bar_width, abs=0.2)
    assert kita.segments[0].x == chart.bar_left
    assert all(0 <= item.x < chart.width for item in chart.legend)


def test_a_long_division_name_is_squeezed_into_its_column():
    data = sheet()
    data["divisions"][0]["name"] = "とても長い名前の部署の名前（窓口業務担当）"
    chart = view_of(data, record(data)).division_chart
    assert chart.bars[0].name_length == chart.label_width
    assert chart.bars[1].name_length is None  # 総務局 fits


@pytest.mark.parametrize(
    ("top", "ticks"),
    [(1, [0, 1]), (7, [0, 2, 4, 6, 8]), (40, [0, 10, 20, 30, 40]), (610, [0, 200, 400, 600, 800])],
)
def test_axis_ticks_are_round_numbers_from_zero_past_the_top(top, ticks):
    assert view.nice_ticks(top) == ticks


def test_the_view_is_worked_out_once_per_site():
    data = sheet()
    site = Site(data, learning=[record(data)])
    assert view.learning_view(site) is view.learning_view(site)


def test_the_as_of_day_and_sheet_come_from_the_latest_record():
    data = sheet()
    shown = view_of(data, record(data, as_of="2026-11-01"), record(data, as_of="2026-12-01"))
    assert shown.as_of == "2026-12-01"
    assert shown.read_at == "2026-12-02T01:30:00+00:00"
    assert shown.quota == data["settings"]["quota"]
    assert dt.date.fromisoformat(shown.deadline) == dt.date(2027, 3, 31)


def test_many_recorded_days_label_the_axis_without_overlap_and_always_the_latest():
    data = sheet()
    days = [dt.date(2026 + (m // 12), m % 12 + 1, 1) for m in range(3, 3 + 30)]
    chart = view_of(data, *(record(data, as_of=d.isoformat()) for d in days)).trend_chart
    xs = [x for x, _ in chart.x_ticks]
    assert all(b - a >= 50 for a, b in itertools.pairwise(xs))  # 「12月31日」 is about 48 wide
    assert xs[-1] == chart.right  # the latest day
    years = [lines[1] for _, lines in chart.x_ticks if len(lines) > 1]
    assert years[0] == "2026年" and "2027年" in years and "2028年" in years
