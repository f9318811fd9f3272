"""kit.charts: Vega-Lite rendered on the server, links kept as the product's paths, hover titles, PNG for exports."""

from landcycle.kit import charts


def test_bar_svg_links_titles_and_chinese_labels():
    rows = [
        {"镇街": "西店镇", "数量": 3, "url": "/supervision/warnings/?town=1&colour=red"},
        {"镇街": "桥头胡街道", "数量": 5, "url": "/supervision/warnings/?town=2"},
    ]
    out = charts.svg(charts.bar(rows, x="镇街", y="数量", href="url", x_title="镇街"), label="预警按镇街")
    assert out.startswith("<svg")
    assert 'aria-label="预警按镇街"' in out
    assert 'xlink:href="/supervision/warnings/?town=1&amp;colour=red"' in out
    assert "vega.github.io" not in out
    assert "<title>西店镇 · 3</title>" in out
    assert "桥头胡街道" in out
    assert "max-width:100%" in out


def test_colours_keep_their_meaning_and_png_renders():
    rows = [{"town": "A", "class": "A", "n": 2}, {"town": "A", "class": "D", "n": 1}]
    chart = charts.bar(rows, x="town", y="n", colour="class", colours={"A": "#2e8b57", "D": "#c0392b"})
    out = charts.svg(chart)
    assert 'fill="#2e8b57"' in out and 'fill="#c0392b"' in out
    png = charts.png(chart)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_line_over_years():
    rows = [{"year": 2022, "tax": 10.5, "who": "全县"}, {"year": 2023, "tax": 12.0, "who": "全县"}]
    out = charts.svg(charts.line(rows, x="year", y="tax", series="who"))
    assert "2022" in out and "2023" in out
