"""``python -m review_app glossary`` validate / import / export, with exit codes."""

from __future__ import annotations

from pathlib import Path

from review_app.cli.main import main
from review_app.glossary import load_glossary, read_glossary

REPO = Path(__file__).resolve().parents[2]
GLOSSARY = REPO / "glossary" / "space-diplomacy.csv"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["glossary", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_ok(capsys):
    code, out, err = run(capsys, "validate", str(GLOSSARY))
    assert code == 0 and err == ""
    assert "46 terms" in out and "no problems" in out


def test_validate_lists_every_problem_with_lines(capsys, make_file):
    path = make_file("g.csv", "term,source,variants,case_sensitive\n"
                              "German Aerospace Center,,German Space Center,true\n"
                              "German Space Center,,,true\n"
                              ",火星,,\n"
                              "Mars,,,perhaps\n")
    code, out, err = run(capsys, "validate", str(path))
    assert code == 2 and out == ""
    assert f"error: {path}: 4 problems in the glossary:" in err
    for expected in ("line 2, column 'variants': variant 'German Space Center'",
                     "line 3, column 'term': term 'German Space Center' is listed as a forbidden variant",
                     "line 4, column 'term': missing term",
                     "line 5, column 'case_sensitive': 'perhaps' is not a boolean"):
        assert expected in err


def test_validate_missing_term_column(capsys, make_file):
    code, _, err = run(capsys, "validate", str(make_file("g.csv", "name,source\nMars,火星\n")))
    assert code == 2 and "line 1, column 'term': no 'term' column" in err


def test_validate_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, "validate", str(tmp_path / "none.csv"))
    assert code == 2 and "glossary file not found" in err


def test_export_and_import_round_trip(capsys, tmp_path):
    tbx = tmp_path / "g.tbx"
    assert run(capsys, "export", str(GLOSSARY), "--out", str(tbx))[0] == 0
    assert tbx.read_bytes().startswith(b"<?xml") and b"<martif" in tbx.read_bytes()
    back = tmp_path / "back.csv"
    assert run(capsys, "import", str(tbx), "--out", str(back))[0] == 0
    assert back.read_text(encoding="utf-8") == GLOSSARY.read_text(encoding="utf-8")
    assert load_glossary(back).terms == load_glossary(GLOSSARY).terms


def test_export_tbx_v3_to_stdout_and_format_option(capsys, tmp_path):
    code, out, _ = run(capsys, "export", str(GLOSSARY), "--tbx-version", "3")
    assert code == 0 and 'xmlns="urn:iso:std:iso:30042:ed-2"' in out and "<conceptEntry" in out
    code, out, _ = run(capsys, "export", str(GLOSSARY), "--format", "csv")
    assert code == 0 and out.startswith("term,source,variants")
    target = tmp_path / "v3.xml"
    assert run(capsys, "export", str(GLOSSARY), "--tbx-version", "3", "--out", str(target))[0] == 0
    assert read_glossary(target).terms == load_glossary(GLOSSARY).terms


def test_export_of_a_bad_glossary_exits_2(capsys, make_file, tmp_path):
    path = make_file("g.csv", "term,case_sensitive\nMars,sometimes\n")
    code, _, err = run(capsys, "export", str(path), "--out", str(tmp_path / "x.tbx"))
    assert code == 2 and "line 2" in err and not (tmp_path / "x.tbx").exists()


def test_import_refuses_xxe(capsys, make_file, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("SECRET", encoding="utf-8")
    path = make_file("x.tbx", f'<?xml version="1.0"?>\n<!DOCTYPE martif [<!ENTITY x SYSTEM "file://{secret}">]>\n'
                              '<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>&x;</term></tig>'
                              "</langSet></termEntry></body></text></martif>")
    code, out, err = run(capsys, "import", str(path))
    assert code == 2 and "declares entities" in err and "SECRET" not in out + err
