from ucjamsostek.budget.charts import bars, line


def test_bars_escape_labels_and_scale_to_the_largest():
    svg = str(bars([("<script>x</script>", 10), ("Kusambi", 5)], "Biaya"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'width="330"' in svg and 'width="165"' in svg


def test_long_labels_are_shortened_with_full_title():
    svg = str(bars([("Demo: Skenario 2026 (target 10.000 pekerja rentan)", 1)], "t"))
    assert "<title>Demo: Skenario 2026 (target 10.000 pekerja rentan)</title>" in svg
    assert "…</text>" in svg


def test_empty_charts_say_so():
    assert "Tidak ada data" in str(bars([], "t"))
    assert "Tidak ada data" in str(line([], "t"))


def test_line_has_one_point_per_year():
    svg = str(line([("2026", 10), ("2027", 11), ("2028", 12)], "Target"))
    assert svg.count("<circle") == 3
