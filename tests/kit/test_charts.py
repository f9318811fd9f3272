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


def test_short_labels_are_never_truncated_and_the_chart_is_the_same():
    rows = [{"town": "环杭州湾创新中心", "n": 3}, {"town": "新浦镇", "n": 1}]
    chart = charts.bar(rows, x="town", y="n", horizontal=True)
    fast = charts.short_labels(charts.bar(rows, x="town", y="n", horizontal=True))
    assert fast["config"]["axis"]["labelLimit"] == 0 and fast["encoding"]["y"]["axis"]["labelLimit"] == 0
    assert charts.CONFIG["axis"]["labelLimit"] == 160  # the shared config is left as it was
    out = charts.svg(fast)
    assert "环杭州湾创新中心" in out and "<title>环杭州湾创新中心 · 3</title>" in out
    assert charts.svg(chart) == out  # the same picture: only the measuring is skipped


def test_a_chart_goes_into_a_workbook_at_its_drawn_size(tmp_path):
    import io
    import zipfile

    from python_calamine import CalamineWorkbook

    from landcycle.kit.sheets import insert_png, workbook

    png = charts.png(charts.bar([{"x": "甲", "n": 2}], x="x", y="n", height=200))
    target = io.BytesIO()
    wb = workbook(target)
    ws = wb.add_worksheet("图表")
    ws.write_string(0, 0, "标题")
    rows = insert_png(ws, 1, 0, png)
    wb.close()
    height = int.from_bytes(png[20:24], "big") / 2  # rendered at scale 2, shown at its drawn size
    assert rows == int(height / 20) + 1 and rows >= 10
    with zipfile.ZipFile(io.BytesIO(target.getvalue())) as z:
        assert z.read("xl/media/image1.png") == png
        drawing = z.read("xl/drawings/drawing1.xml").decode()
        assert 'editAs="absolute"' in drawing
    assert CalamineWorkbook.from_filelike(io.BytesIO(target.getvalue())).sheet_names == ["图表"]


def test_a_count_axis_shows_whole_numbers_only():
    """Vega ticks a short axis at 0.5 and 'format: d' printed "0 1 1 2 2" on the warning board: up to 10 the
    ticks of a count are given, stacked totals counted per bar."""
    import re

    from landcycle.kit import charts

    rows = [
        {"town": "桥头镇", "n": 1, "c": "红"},
        {"town": "桥头镇", "n": 1, "c": "黄"},
        {"town": "新浦镇", "n": 2, "c": "红"},
    ]
    axis = charts.count_axis(rows, by="town")
    assert axis["values"] == [0, 1, 2] and axis["format"] == "d"
    spec = charts.bar(rows, x="town", y="n", colour="c", horizontal=True, width=400, height=60)
    spec["encoding"]["x"]["axis"] = axis
    assert re.findall(r">(\d+)</text>", str(charts.svg(spec))) == ["0", "1", "2"]
    many = charts.count_axis([{"town": "a", "n": 40}], by="town")
    assert "values" not in many and many["tickMinStep"] == 1  # a long axis is ticked in whole steps by itself
