"""TBX (ISO 30042) import and export: TBX-Basic v2 (``martif``/``termEntry``/``langSet``/``tig``)
and TBX v3 (``tbx``/``conceptEntry``/``langSec``/``termSec``, DCA or DCT style).

Mapping to a glossary row:

* the preferred English term (``administrativeStatus`` ``preferredTerm-admn-sts``, or the first
  English term that is not deprecated) -> ``term``;
* deprecated, superseded, forbidden, not-recommended or obsolete English terms -> ``variants``;
* other (admitted) English terms -> ``admitted``;
* terms of the source language -> ``source`` (joined with ``|``); terms of any further language
  -> an extra column ``term:<lang>``;
* entry ``note``s -> ``note``; ``descrip``/``admin`` of other types -> extra columns named after
  the type; our own ``admin type="x-caseSensitive"`` -> ``case_sensitive``.

Security: XML from users is parsed with lxml with entity expansion, DTD loading and network
access off (``resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False``), and
a document whose DOCTYPE declares entities is refused *before* it is parsed (XXE, billion
laughs); only UTF-8 and UTF-16 are accepted, so no exotic encoding can hide a declaration.
lxml is used (not xml.etree) because it exposes these switches and line numbers.
"""

from __future__ import annotations

import os
import re
from collections import Counter

from lxml import etree

from review_app.errors import InputError
from review_app.glossary.model import (
    CASE_SENSITIVE,
    DEFAULT_COLUMNS,
    NOTE,
    Glossary,
    GlossaryProblem,
    Term,
    join_list,
    parse_bool,
    split_list,
)
from review_app.textio import check_size, looks_like_utf16, read_bytes

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TBX3_NAMESPACE = "urn:iso:std:iso:30042:ed-2"
CASE_ADMIN = "x-caseSensitive"
EXTRA_PREFIX = "x-column:"
LANG_COLUMN_PREFIX = "term:"

ENTRY_TAGS = {"termEntry", "conceptEntry"}
LANG_TAGS = {"langSet", "langSec"}
TERM_GROUP_TAGS = {"tig", "ntig", "termSec"}
STATUS_TYPES = {"administrativeStatus", "normativeAuthorization"}

PREFERRED = "preferred"
ADMITTED = "admitted"
FORBIDDEN = "forbidden"

ACCEPTED_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii"}
# Characters XML 1.0 cannot hold (control characters but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).
XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
XML_DECLARATION = re.compile(r"\A\s*<\?xml\b[^>]*?\?>", re.DOTALL)
ENCODING_ATTRIBUTE = re.compile(r"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def status_of(value: str) -> str:
    """Map an administrativeStatus/normativeAuthorization value to preferred/admitted/forbidden."""
    lowered = value.strip().lower()
    if any(word in lowered for word in ("deprecated", "superseded", "forbidden", "notrecommended",
                                        "not recommended", "obsolete", "prohibited", "rejected")):
        return FORBIDDEN
    if any(word in lowered for word in ("preferred", "standardized", "legal", "regulated")):
        return PREFERRED
    return ADMITTED


# --- reading ------------------------------------------------------------------------------------


def decode_xml(data: bytes, label: str) -> str:
    """Decode UTF-8 (optional BOM) or UTF-16 (with BOM) XML; refuse other encodings, and NUL
    characters (so no declaration can hide from :func:`refuse_entities` between NULs)."""
    check_size(len(data), label)
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise InputError("the TBX file is UTF-32; save it as UTF-8", label, 1)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("not valid UTF-16 XML", label) from None
    else:
        utf16 = looks_like_utf16(data)
        if utf16:
            raise InputError(f"the TBX file looks like {utf16} without a byte-order mark; save it as UTF-8", label, 1)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputError(f"not valid UTF-8: byte 0x{data[exc.start]:02x} (save the TBX file as UTF-8)",
                             label, line) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError("contains a NUL character (not a text file?)", label, text.count("\n", 0, nul) + 1)
    declaration = XML_DECLARATION.match(text)
    if declaration:
        encoding = ENCODING_ATTRIBUTE.search(declaration.group())
        if encoding and encoding.group(1).lower() not in ACCEPTED_ENCODINGS:
            raise InputError(f"XML encoding {encoding.group(1)!r} is not supported (save the file as UTF-8)", label, 1)
    return text


def refuse_entities(text: str, label: str) -> None:
    """Refuse a DOCTYPE that declares entities (external entities: XXE; nested ones: billion laughs)."""
    doctype = text.find("<!DOCTYPE")
    if doctype < 0:
        return
    entity = text.find("<!ENTITY")
    if entity >= 0:
        raise InputError(
            "the XML document type declares entities (<!ENTITY>); refused for safety "
            "(entities can read local files or blow up memory). Remove the DOCTYPE's internal subset",
            label,
            text.count("\n", 0, entity) + 1,
        )


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def parse_xml(data: bytes, label: str) -> etree._Element:
    text = decode_xml(data, label)
    refuse_entities(text, label)
    # lxml refuses str input with an encoding declaration; drop it, keeping the line count.
    text = XML_DECLARATION.sub(lambda m: "\n" * m.group().count("\n"), text, count=1)
    try:
        root = etree.fromstring(text, safe_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        message = exc.msg.split(", line ")[0].strip() if exc.msg else "malformed XML"
        raise InputError(f"not well-formed XML ({message})", label, line) from None
    except ValueError as exc:  # lxml refuses some strings before parsing (e.g. control characters)
        raise InputError(f"not well-formed XML ({exc})", label) from None
    tree = root.getroottree()
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError("the XML document type declares entities; refused for safety", label, 1)
    for node in root.iter(etree.Entity):
        raise InputError(f"entity reference &{node.name}; is not allowed", label, node.sourceline)
    return root


def localname(element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return etree.QName(tag).localname


def element_text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def is_english(lang: str) -> bool:
    lowered = lang.lower()
    return lowered == "en" or lowered.startswith(("en-", "en_"))


def read_glossary_tbx(
    path: str | os.PathLike, data: bytes | None = None, name: str | None = None, source_lang: str | None = None
) -> Glossary:
    """Read a TBX file into a glossary (see the module docstring for the mapping)."""
    label = name or str(path)
    raw = read_bytes(path, name=label) if data is None else data
    root = parse_xml(raw, label)
    if localname(root) not in ("martif", "tbx"):
        raise InputError(f"not a TBX file: the root element is <{localname(root)}>, expected <martif> or <tbx>",
                         label, root.sourceline)
    default_lang = root.get(XML_LANG) or "en"
    entries = [el for el in root.iter() if localname(el) in ENTRY_TAGS]
    if not entries:
        raise InputError("no <termEntry> or <conceptEntry> in the TBX file", label, root.sourceline)

    languages: Counter[str] = Counter()
    for entry in entries:
        for lang_set in entry:
            if localname(lang_set) in LANG_TAGS:
                lang = (lang_set.get(XML_LANG) or default_lang).strip()
                if not is_english(lang):
                    languages[lang] += 1
    chosen_source = source_lang or (languages.most_common(1)[0][0] if languages else None)

    problems: list[GlossaryProblem] = []
    terms: list[Term] = []
    extra_columns: list[str] = []
    for entry in entries:
        term, entry_problems = entry_to_term(entry, default_lang, chosen_source)
        problems.extend(entry_problems)
        for column, _ in term.extra:
            if column not in extra_columns:
                extra_columns.append(column)
        terms.append(term)
    has_admitted = any(t.admitted for t in terms)
    columns = list(DEFAULT_COLUMNS)
    if has_admitted:
        columns.insert(3, "admitted")
    return Glossary(
        terms=tuple(terms),
        columns=tuple(columns + extra_columns),
        extra_columns=tuple(extra_columns),
        path=label,
        source_lang=chosen_source,
        problems=tuple(problems),
    )


def entry_to_term(entry, default_lang: str, source_lang: str | None) -> tuple[Term, list[GlossaryProblem]]:
    problems: list[GlossaryProblem] = []
    english: list[tuple[str, str]] = []  # (text, status)
    sources: list[str] = []
    other: dict[str, list[str]] = {}
    notes: list[str] = []
    extra: dict[str, str] = {}
    case_sensitive = True

    def entry_level(element) -> None:
        nonlocal case_sensitive
        kind = localname(element)
        value = element_text(element)
        if kind == "note" and value:
            notes.append(value)
        elif kind in ("descrip", "admin"):
            type_ = element.get("type") or kind
            if type_ == CASE_ADMIN:
                parsed = parse_bool(value)
                if parsed is None:
                    problems.append(GlossaryProblem(element.sourceline, CASE_SENSITIVE,
                                                    f"{value!r} is not a boolean (use true or false)"))
                else:
                    case_sensitive = parsed
            elif value:
                column = type_[len(EXTRA_PREFIX):] if type_.startswith(EXTRA_PREFIX) else type_
                extra[column] = value
        elif kind in ("descripGrp", "adminGrp"):
            for child in element:
                entry_level(child)

    for child in entry:
        kind = localname(child)
        if kind in LANG_TAGS:
            lang = (child.get(XML_LANG) or default_lang).strip()
            for group in child.iter():
                if localname(group) not in TERM_GROUP_TAGS:
                    continue
                term_element = next((el for el in group.iter() if localname(el) == "term"), None)
                if term_element is None:
                    continue
                text = element_text(term_element)
                if not text:
                    continue
                status = ADMITTED
                marked = False
                for note in group.iter():
                    name = localname(note)
                    if (name == "termNote" and note.get("type") in STATUS_TYPES) or name in STATUS_TYPES:
                        status = status_of(element_text(note))
                        marked = True
                if is_english(lang):
                    english.append((text, status if marked else ""))
                elif source_lang is not None and lang.lower() == source_lang.lower():
                    sources.append(text)
                else:
                    other.setdefault(lang, []).append(text)
        else:
            entry_level(child)

    preferred = [t for t, s in english if s == PREFERRED]
    unmarked = [t for t, s in english if s in ("", ADMITTED)]
    forbidden = [t for t, s in english if s == FORBIDDEN]
    if preferred:
        main, admitted = preferred[0], preferred[1:] + unmarked
    elif unmarked:
        main, admitted = unmarked[0], unmarked[1:]
    else:
        main, admitted = "", []
        problems.append(GlossaryProblem(entry.sourceline, "term",
                                        "entry has no preferred or admitted English term"))
    for lang, values in other.items():
        extra[LANG_COLUMN_PREFIX + lang] = join_list(values)
    term = Term(
        term=main,
        source=join_list(split_list(join_list(sources))),
        variants=split_list(join_list(forbidden)),
        admitted=split_list(join_list(admitted)),
        case_sensitive=case_sensitive,
        note="; ".join(notes),
        extra=tuple(extra.items()),
        line=entry.sourceline,
    )
    return term, problems


# --- writing ------------------------------------------------------------------------------------


def glossary_to_tbx(glossary: Glossary, *, source_lang: str | None = None, version: int = 2) -> bytes:
    """The glossary as TBX-Basic: ``version=2`` (martif, ISO 30042:2008) or 3 (ISO 30042:2019, DCA)."""
    if version not in (2, 3):
        raise InputError(f"TBX version must be 2 or 3, not {version}")
    lang = source_lang or glossary.source_lang or "zh"
    v3 = version == 3
    names = {
        "entry": "conceptEntry" if v3 else "termEntry",
        "lang": "langSec" if v3 else "langSet",
        "group": "termSec" if v3 else "tig",
    }
    namespace = TBX3_NAMESPACE if v3 else None
    entry_line: int | None = None

    def xml_safe(value: str, what: str) -> str:
        bad = XML_INVALID.search(value)
        if bad:
            raise InputError(f"{what} {value[:60]!r} contains the character U+{ord(bad.group()):04X}, which XML "
                             "cannot hold; remove it before exporting to TBX", glossary.path, entry_line)
        return value

    def make(parent, tag: str, text: str | None = None, **attributes):
        if text is not None:
            xml_safe(text, f"the {tag}")
        for key, value in attributes.items():
            xml_safe(value, f"the {key} attribute")
        qualified = f"{{{namespace}}}{tag}" if namespace else tag
        element = etree.SubElement(parent, qualified) if parent is not None else etree.Element(
            qualified, nsmap={None: namespace} if namespace else None)
        for key, value in attributes.items():
            element.set(XML_LANG if key == "lang" else key, value)
        if text is not None:
            element.text = text
        return element

    if v3:
        root = make(None, "tbx", style="dca", type="TBX-Basic", lang="en")
        header = make(root, "tbxHeader")
    else:
        root = make(None, "martif", type="TBX-Basic", lang="en")
        header = make(root, "martifHeader")
    file_desc = make(header, "fileDesc")
    source_desc = make(file_desc, "sourceDesc")
    origin = os.path.basename(glossary.path) if glossary.path else "a glossary"
    make(source_desc, "p", f"Exported by review_app from {origin}")
    if not v3:
        encoding_desc = make(header, "encodingDesc")
        make(encoding_desc, "p", "TBXBasicXCSV02.xcs", type="XCSURI")
    body = make(make(root, "text"), "body")

    for number, term in enumerate(glossary.terms, 1):
        entry_line = term.line
        entry = make(body, names["entry"], id=f"c{number}")
        if term.note:
            make(entry, "note", term.note)
        if not term.case_sensitive:
            make(entry, "admin", "false", type=CASE_ADMIN)
        lang_terms: dict[str, list[str]] = {}
        for column, value in term.extra:
            if column.startswith(LANG_COLUMN_PREFIX):
                lang_terms[column[len(LANG_COLUMN_PREFIX):]] = list(split_list(value))
            elif value:
                kind = "descrip" if column in ("definition", "subjectField", "context") else "admin"
                make(entry, kind, value, type=column if kind == "descrip" else EXTRA_PREFIX + column)
        english = make(entry, names["lang"], lang="en")
        forms = [(term.term, "preferredTerm-admn-sts")]
        forms += [(a, "admittedTerm-admn-sts") for a in term.admitted]
        forms += [(v, "deprecatedTerm-admn-sts") for v in term.variants]
        for text, status in forms:
            group = make(english, names["group"])
            make(group, "term", text)
            make(group, "termNote", status, type="administrativeStatus")
        if term.sources:
            source_set = make(entry, names["lang"], lang=lang)
            for text in term.sources:
                make(make(source_set, names["group"]), "term", text)
        for other_lang, values in lang_terms.items():
            lang_set = make(entry, names["lang"], lang=other_lang)
            for text in values:
                make(make(lang_set, names["group"]), "term", text)

    doctype = None if v3 else '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">'
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True, doctype=doctype)

