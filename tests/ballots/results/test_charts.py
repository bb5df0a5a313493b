"""The results chart: well-formed SVG, labelled for screen readers, drawn to the shares."""

import xml.etree.ElementTree as ET
from fractions import Fraction

from ballots import counting
from ballots.results import charts

SVG = "{http://www.w3.org/2000/svg}"

WORKED_EXAMPLE = counting.scenario_from_dict(
    {
        "branches": [
            {"name": "A", "reselect": 30, "open": 20},
            {"name": "B", "reselect": 10, "open": 25},
            {"name": "C", "reselect": 12, "open": 12},
            {"name": "D", "reselect": 0, "open": 0},
        ],
        "affiliates": [
            {"name": "U1", "vote": "reselect"},
            {"name": "U2", "vote": "open"},
            {"name": "U3", "vote": "open"},
            {"name": "U4", "vote": "abstain"},
        ],
    }
)


def _parse(svg):
    return ET.fromstring(str(svg))


def _segments(root):
    return [el for el in root.iter(SVG + "rect") if "chart-segment" in (el.get("class") or "")]


def test_the_chart_parses_as_xml_and_has_a_title_and_a_description():
    root = _parse(charts.result_chart_svg(counting.count(WORKED_EXAMPLE)))
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    title = root.find(SVG + "title")
    desc = root.find(SVG + "desc")
    assert title is not None and "open selection" in title.text
    assert desc is not None and "58.333%" in desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_the_chart_scales_with_a_viewbox_and_uses_no_style_attributes():
    svg = str(charts.result_chart_svg(counting.count(WORKED_EXAMPLE)))
    root = _parse(svg)
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 360 ")
    assert "style=" not in svg
    assert "<script" not in svg


def test_segment_widths_match_the_shares_of_the_college():
    result = counting.count(WORKED_EXAMPLE)
    root = _parse(charts.result_chart_svg(result))
    inner = charts.WIDTH - 2 * charts.MARGIN
    widths = {el.get("class").split()[1]: float(el.get("width")) for el in _segments(root)}
    members = result.section("members")
    affiliates = result.section("affiliates")
    expected = {
        "chart-members-reselect": members.reselect_share,
        "chart-affiliates-reselect": affiliates.reselect_share,
        "chart-affiliates-open": affiliates.open_share,
        "chart-members-open": members.open_share,
    }
    for key, share in expected.items():
        assert abs(widths[key] - float(share) * inner) < 0.01
    assert abs(sum(widths.values()) - inner) < 0.05


def test_the_fifty_percent_line_is_at_the_middle_of_the_bar_and_labelled():
    root = _parse(charts.result_chart_svg(counting.count(WORKED_EXAMPLE)))
    line = next(el for el in root.iter(SVG + "line") if el.get("class") == "chart-threshold")
    middle = charts.MARGIN + (charts.WIDTH - 2 * charts.MARGIN) / 2
    assert float(line.get("x1")) == float(line.get("x2")) == middle
    labels = [el.text for el in root.iter(SVG + "text") if el.get("class") == "chart-threshold-label"]
    assert labels == ["Open selection needs more than 50%"]


def test_segments_appear_in_reading_order_reselect_from_the_left_open_from_the_right():
    root = _parse(charts.result_chart_svg(counting.count(WORKED_EXAMPLE)))
    order = [el.get("class").split()[1] for el in _segments(root)]
    assert order == [
        "chart-members-reselect",
        "chart-affiliates-reselect",
        "chart-affiliates-open",
        "chart-members-open",
    ]
    xs = [float(el.get("x")) for el in _segments(root)]
    assert xs == sorted(xs)


def test_labels_are_escaped():
    bar = charts.Bar(
        label="<script>alert(1)</script>",
        segments=(charts.Segment(("members", "open"), "A & B <b>", Fraction(1, 2)),),
        threshold=Fraction(1, 2),
        threshold_label="x",
    )
    svg = str(charts.bars_svg([bar], title="T <i>", description="D & E"))
    assert "<script>" not in svg and "<b>" not in svg
    root = _parse(svg)
    assert root.find(SVG + "title").text == "T <i>"


def test_the_2018_rules_draw_one_bar_per_section_with_the_one_third_line():
    result = counting.count(WORKED_EXAMPLE, rules="labour-2018")
    root = _parse(charts.result_chart_svg(result))
    bars = [el for el in root.iter(SVG + "g") if el.get("class") == "chart-bar"]
    assert len(bars) == 2
    inner = charts.WIDTH - 2 * charts.MARGIN
    for line in (el for el in root.iter(SVG + "line") if el.get("class") == "chart-threshold"):
        assert abs(float(line.get("x1")) - (charts.MARGIN + inner * 2 / 3)) < 0.01
    assert "33.333%" in charts.result_chart_text(result)


def test_the_text_alternative_says_the_same_as_the_chart():
    result = counting.count(WORKED_EXAMPLE)
    text = charts.result_chart_text(result)
    assert "members gave 25.000% to reselection and 25.000% to open selection" in text
    assert "affiliates gave 16.667% to reselection and 33.333% to open selection" in text
    assert "The open share is 58.333%" in text


def test_no_valid_votes_draws_an_empty_bar_and_says_so():
    result = counting.count(counting.Scenario())
    root = _parse(charts.result_chart_svg(result))
    assert _segments(root) == []
    assert "0.000%" in charts.result_chart_text(result) or "No valid votes" in charts.result_chart_text(result)
