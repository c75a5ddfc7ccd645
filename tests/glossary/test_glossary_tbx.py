"""TBX import/export (v2 martif and v3 tbx) and refusal of hostile XML."""

from __future__ import annotations

import pytest

from review_app.errors import InputError
from review_app.glossary import (
    Glossary,
    Term,
    glossary_to_tbx,
    load_glossary,
    read_glossary,
    read_glossary_tbx,
    validate,
)
from review_app.glossary import tbx as tbx_module

TBX_V2 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic" xml:lang="en-US">
  <martifHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></martifHeader>
  <text><body>
    <termEntry id="e1">
      <descrip type="definition">German space agency and research centre</descrip>
      <note>dlr.de</note>
      <langSet xml:lang="en-US">
        <tig><term>German Aerospace Center</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
        <tig><term>DLR</term>
          <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></tig>
        <tig><term>German Space Center</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
        <tig><term>German Space Centre</term>
          <termNote type="administrativeStatus">supersededTerm-admn-sts</termNote></tig>
      </langSet>
      <langSet xml:lang="zh-CN">
        <tig><term>德国航空航天中心</term></tig>
        <tig><term>德国宇航中心</term></tig>
      </langSet>
      <langSet xml:lang="de"><ntig><termGrp><term>Deutsches Zentrum für Luft- und Raumfahrt</term></termGrp></ntig></langSet>
    </termEntry>
    <termEntry id="e2">
      <langSet xml:lang="en"><tig><term>Tianwen-1</term></tig>
        <tig><term>Tianwen 1</term><termNote type="normativeAuthorization">forbidden</termNote></tig></langSet>
      <langSet xml:lang="zh-CN"><tig><term>天问一号</term></tig></langSet>
    </termEntry>
  </body></text>
</martif>
"""

TBX_V3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx style="dca" type="TBX-Basic" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>v3</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c1">
      <langSec xml:lang="en">
        <termSec><term>Belt and Road Initiative</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
        <termSec><term>One Belt One Road</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
      </langSec>
      <langSec xml:lang="zh"><termSec><term>一带一路</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>
"""

TBX_V3_DCT = """<?xml version="1.0" encoding="UTF-8"?>
<tbx style="dct" type="TBX-Basic" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"
     xmlns:basic="http://www.tbxinfo.net/ns/basic">
  <tbxHeader><fileDesc><sourceDesc><p>dct</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c1">
      <langSec xml:lang="en">
        <termSec><term>win-win cooperation</term><basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus></termSec>
        <termSec><term>win win cooperation</term><basic:administrativeStatus>notRecommended</basic:administrativeStatus></termSec>
      </langSec>
      <langSec xml:lang="zh"><termSec><term>合作共赢</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>
"""


def write(make_file, name, text, encoding="utf-8"):
    return make_file(name, text.encode(encoding))


def test_tbx_v2_mapping(make_file):
    g = read_glossary(write(make_file, "g.tbx", TBX_V2))
    assert validate(g) == []
    dlr, tianwen = g.terms
    assert dlr.term == "German Aerospace Center"
    assert dlr.variants == ("German Space Center", "German Space Centre")
    assert dlr.admitted == ("DLR",)
    assert dlr.sources == ("德国航空航天中心", "德国宇航中心")
    assert dlr.note == "dlr.de"
    assert dlr.extra_value("definition") == "German space agency and research centre"
    assert dlr.extra_value("term:de") == "Deutsches Zentrum für Luft- und Raumfahrt"
    assert dlr.line == 6
    assert g.source_lang == "zh-CN"
    assert tianwen.term == "Tianwen-1" and tianwen.variants == ("Tianwen 1",) and tianwen.sources == ("天问一号",)


def test_tbx_v3_dca_and_dct(make_file):
    (bri,) = read_glossary(write(make_file, "v3.tbx", TBX_V3)).terms
    assert (bri.term, bri.variants, bri.sources) == ("Belt and Road Initiative", ("One Belt One Road",), ("一带一路",))
    (win,) = read_glossary(write(make_file, "dct.tbx", TBX_V3_DCT)).terms
    assert (win.term, win.variants, win.sources) == ("win-win cooperation", ("win win cooperation",), ("合作共赢",))


def test_source_lang_can_be_chosen(make_file):
    g = read_glossary_tbx(write(make_file, "g.tbx", TBX_V2), source_lang="de")
    assert g.terms[0].sources == ("Deutsches Zentrum für Luft- und Raumfahrt",)
    assert g.terms[0].extra_value("term:zh-CN") == "德国航空航天中心|德国宇航中心"


@pytest.mark.parametrize("version", [2, 3])
def test_export_import_round_trip(make_file, version):
    g = Glossary(terms=(
        Term("Chang’e-4", "嫦娥四号", ("Change-4",), ("Chang’e 4",), True, "Xinhua spelling; <b>&amp;</b>"),
        Term("win-win cooperation", "合作共赢|互利共赢", ("win win cooperation",), (), False, ""),
        Term("Mars", "火星", (), ("Martian",), True, "planet", extra=(("domain", "space"), ("term:fr", "Mars"))),
    ), columns=("term", "source", "variants", "admitted", "case_sensitive", "note", "domain", "term:fr"),
        extra_columns=("domain", "term:fr"))
    data = glossary_to_tbx(g, source_lang="zh", version=version)
    assert data.startswith(b"<?xml")
    back = read_glossary(make_file(f"rt{version}.tbx", data))
    assert validate(back) == []
    assert back.terms == g.terms


def test_utf16_tbx(make_file):
    path = make_file("u16.tbx", TBX_V3.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    assert read_glossary(path).terms[0].term == "Belt and Road Initiative"


def test_entry_without_english_term_is_a_problem(make_file):
    text = TBX_V3.replace('<langSec xml:lang="en">', '<langSec xml:lang="fr">')
    problems = validate(read_glossary(write(make_file, "g.tbx", text)))
    assert problems and problems[0].column == "term" and problems[0].line == 5


def test_malformed_xml_names_the_line(make_file):
    with pytest.raises(InputError) as info:
        read_glossary(write(make_file, "bad.tbx", TBX_V3.replace("</termSec></langSec>", "</langSec>", 1)))
    assert "not well-formed XML" in str(info.value) and info.value.line == 12


def test_not_a_tbx_root(make_file):
    with pytest.raises(InputError, match="root element is <html>"):
        read_glossary(write(make_file, "g.tbx", "<html><body/></html>"))


def test_exotic_encoding_refused(make_file):
    text = '<?xml version="1.0" encoding="UTF-7"?><martif><text><body/></text></martif>'
    with pytest.raises(InputError, match="UTF-7"):
        read_glossary(write(make_file, "g.tbx", text))


# --- hostile XML: refused before the parser sees it --------------------------------------------


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if lxml is asked to parse anything."""

    def refuse(*args, **kwargs):
        raise AssertionError("the XML was handed to the parser")

    monkeypatch.setattr(tbx_module.etree, "fromstring", refuse)


def test_xxe_refused_without_reading_the_file(make_file, tmp_path, no_parsing):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE martif [
  <!ENTITY xxe SYSTEM "file://{secret}">
]>
<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>&xxe;</term></tig></langSet></termEntry></body></text></martif>
"""
    with pytest.raises(InputError) as info:
        load_glossary(write(make_file, "xxe.tbx", xxe))
    assert "declares entities" in str(info.value) and info.value.line == 3
    assert "TOP-SECRET-VALUE" not in str(info.value)


def test_billion_laughs_refused(make_file, no_parsing):
    lols = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                                       for i in range(1, 10)]
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE martif [\n' + "\n".join(lols) + "\n]>\n"
            "<martif><text><body><termEntry><langSet xml:lang=\"en\"><tig><term>&lol9;</term></tig>"
            "</langSet></termEntry></body></text></martif>\n")
    with pytest.raises(InputError, match="declares entities"):
        read_glossary(write(make_file, "bomb.tbx", bomb))


def test_external_dtd_is_not_loaded_and_entity_references_refused(make_file, tmp_path):
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY xxe SYSTEM "file:///etc/hostname">', encoding="utf-8")
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE martif SYSTEM "file://{dtd}">\n'
            '<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>&xxe;</term></tig>'
            "</langSet></termEntry></body></text></martif>\n")
    with pytest.raises(InputError) as info:
        read_glossary(write(make_file, "ext.tbx", text))
    assert "entity" in str(info.value).lower()


def test_standard_doctype_without_entities_is_fine(make_file):
    assert read_glossary(write(make_file, "g.tbx", TBX_V2)).terms[0].term == "German Aerospace Center"
