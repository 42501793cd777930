"""Every page's meta description: generated pages from their own record, written pages
from their front matter (what an intranet search engine shows under the title)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from manabi import snapshot
from manabi.pages import DESCRIPTION_LIMIT, shorten_description
from tests.helpers import MINIMAL, ROOT, run_cli
from tests.test_check import edit_cell

DATA = snapshot.load(ROOT / "data").data


def _description(html: Path) -> str | None:
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    found = soup.select('meta[name="description"]')
    assert len(found) <= 1, html
    return found[0]["content"] if found else None


def test_every_page_has_its_own_description(sample_site: Path) -> None:
    seen: dict[str, str] = {}
    for html in sorted(sample_site.rglob("index.html")):
        page = html.parent.relative_to(sample_site).as_posix()
        text = _description(html)
        assert text, page
        assert 20 <= len(text) <= DESCRIPTION_LIMIT, (page, text)
        assert text not in seen, (page, seen.get(text))
        seen[text] = page
    assert len(seen) > 100


def test_a_generated_page_is_described_by_its_own_data(sample_site: Path) -> None:
    kita = next(d for d in DATA["divisions"] if d["id"] == "kita")
    text = _description(sample_site / "divisions" / "kita" / "index.html")
    assert text.startswith("北区役所（区役所）の学習パス（")
    assert kita["note"] in text
    course = DATA["courses"][0]
    text = _description(sample_site / "courses" / course["id"] / "index.html")
    assert text.startswith(f"講座「{course['title']}」（{course['provider']}、")
    assert course["description"] in text
    area = DATA["areas"][0]
    text = _description(sample_site / "areas" / area["id"] / "index.html")
    assert text == f"担当分野「{area['name']}」のスキルマップと学習パスです。{area['description']}"
    text = _description(sample_site / "standards" / "dss-l" / "index.html")
    assert text == (
        "DXリテラシー標準（DSS-L）の4区分と、それぞれに対応する市のスキルマップのスキル・講座です。"
        "対応するスキルがまだない区分: Why（DXの背景）。"
    )


def test_cell_text_in_a_description_is_escaped_and_shortened(copy_of, tmp_path: Path) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    note = (
        '<script>alert("x")</script> & 「引用」。' + "窓口の受付時間は平日の9時から17時です。" * 8
    )
    edit_cell(folder, "部署", 2, "備考", note)
    site = tmp_path / "site"
    assert run_cli("build", "--source", folder, "--site-dir", site) == 0
    division = next(p for p in (site / "divisions").iterdir() if (p / "index.html").is_file())
    raw = (division / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in raw
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; 「引用」。" in raw
    text = _description(division / "index.html")
    assert '<script>alert("x")</script> & 「引用」。' in text
    assert len(text) <= DESCRIPTION_LIMIT
    assert text.endswith("です。")  # cut where a sentence ends, not mid-word


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("短い説明です。", 20, "短い説明です。"),
        ("一行目です。\n  二行目です。", 40, "一行目です。 二行目です。"),
        ("一つ目の文です。二つ目の文はとても長くて入りきりません。", 14, "一つ目の文です。"),
        (
            "読点までが半分より長く入る、その先は入りきらない文です",
            20,
            "読点までが半分より長く入る…",
        ),
        (
            "短い文。あとは句読点のないとても長い一続きの言葉です",
            20,
            "短い文。あとは句読点のないとても長い一…",
        ),
        ("句読点のないとても長い一続きの名前が入りきらない", 10, "句読点のないとても…"),
    ],
)
def test_long_text_is_cut_where_a_sentence_ends(text: str, limit: int, expected: str) -> None:
    assert shorten_description(text, limit) == expected
    assert len(shorten_description(text, limit)) <= limit
