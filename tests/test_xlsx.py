"""The report's spreadsheet writer, read back by openpyxl as a spreadsheet program reads a file."""

import zipfile
from decimal import Decimal

import openpyxl
import pytest

from orchestration.report import xlsx


def test_values_styles_widths_and_panes_come_back_as_written(tmp_path):
    path = tmp_path / "book.xlsx"
    xlsx.save(
        path,
        [
            xlsx.Sheet("README", [["A title & <notes>"], [], ["  indented", "x"]], widths=[20, 24]),
            xlsx.Sheet(
                "Parties & co",
                [
                    ["party", "share", "counted", "n"],
                    ["Côte d'Ivoire", 1 / 3, True, 7],
                    ["Egypt", None, False, Decimal("2.50")],
                    ["Fiji", float("nan"), None, 10**15],
                ],
                widths=[12, 14],
                styles=[xlsx.PLAIN, xlsx.ONE_DECIMAL],
                freeze_first_row_and_column=True,
            ),
        ],
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["README", "Parties & co"]
    readme, parties = book["README"], book["Parties & co"]
    assert readme["A1"].value == "A title & <notes>" and readme["A1"].font.b
    assert readme["A3"].value == "  indented" and not readme["A3"].font.b  # spaces kept
    assert readme.max_row == 3 and readme["A2"].value is None
    assert readme.column_dimensions["A"].width == 20 and readme.column_dimensions["B"].width == 24
    assert readme.freeze_panes is None
    assert [c.value for c in parties[1]] == ["party", "share", "counted", "n"]
    assert all(c.font.b for c in parties[1]) and not parties["A2"].font.b
    assert [c.value for c in parties[2]] == ["Côte d'Ivoire", 1 / 3, True, 7]  # every digit of 1/3
    assert [c.value for c in parties[3]] == ["Egypt", None, False, 2.5]
    assert [c.value for c in parties[4]] == ["Fiji", "#NUM!", None, 10**15]  # Excel has no NaN
    assert parties["B2"].number_format == "0.0" and parties["D2"].number_format == "General"
    assert parties.freeze_panes == "B2"
    assert parties.column_dimensions["B"].width == 14


def test_a_sheet_of_many_rows_reads_back_in_read_only_mode(tmp_path):
    """Read-only mode is how the report's tests read the spreadsheets: it streams rows by their refs."""
    path = tmp_path / "big.xlsx"
    rows = [["code", "value"], *([f"p{i}", i * 0.5] for i in range(3000))]
    xlsx.save(path, [xlsx.Sheet("big", rows, styles=[xlsx.PLAIN, xlsx.ONE_DECIMAL])])
    back = list(openpyxl.load_workbook(path, read_only=True)["big"].iter_rows(values_only=True))
    assert len(back) == 3001
    assert (
        back[0] == ("code", "value") and back[2999] == ("p2998", 1499.0) and back[3000] == ("p2999", 1499.5)
    )
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        assert sorted(package.namelist()) == [
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/workbook.xml",
            "xl/worksheets/sheet1.xml",
        ]


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (
            "bell\x07",
            ValueError,
            r"spreadsheet bad.xlsx, sheet 'answers', cell B2: a control character XML cannot hold",
        ),
        (
            {"a": 1},
            TypeError,
            r"sheet 'answers', cell B2: dict \{'a': 1\} is not a string, number or boolean",
        ),
    ],
)
def test_a_value_a_spreadsheet_cannot_hold_names_its_sheet_and_cell(tmp_path, value, error, message):
    with pytest.raises(error, match=message):
        xlsx.save(tmp_path / "bad.xlsx", [xlsx.Sheet("answers", [["a", "b"], ["x", value]])])


@pytest.mark.parametrize("names", [["a/b"], ["x" * 32], [""], ["same", "same"]])
def test_a_sheet_name_excel_refuses_is_refused_here(tmp_path, names):
    with pytest.raises(ValueError, match="sheet name"):
        xlsx.save(tmp_path / "bad.xlsx", [xlsx.Sheet(name, [["a"]]) for name in names])
    assert not (tmp_path / "bad.xlsx").exists()


def test_a_title_becomes_a_sheet_name_excel_takes():
    assert (
        xlsx.sheet_name("C Risk assessment [and] risk management: LMOs") == "C Risk assessment  and  risk ma"
    )


def test_column_letters_run_past_z():
    assert [xlsx.column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
