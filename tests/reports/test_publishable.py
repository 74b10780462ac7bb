"""A report a municipality can publish: accessible Word and tagged PDF, no words broken inside, the
management summary first and the reflections in an appendix, counts and labels that say what they count."""

from __future__ import annotations

import io
import os
import shutil
import zipfile

import pytest
from docx import Document
from lxml import etree

from facilitation import reports
from facilitation.extensions import db
from facilitation.models import Cluster, Commitment, Programme, Session
from facilitation.reports import word
from tests.register.test_register import person, two_programmes, world  # noqa: F401 (fixtures)
from tests.reports.accessibility import (
    NS,
    alt_texts,
    broken_words,
    docx_problems,
    pdf_info,
    pdf_problems,
    source_words,
)
from tests.reports.test_reports import (  # noqa: F401 (fixtures)
    HIDDEN,
    all_text,
    finished_session,
    headings,
    word_file,
)

LONG_OWNER = "Beleidsadviseur sociaal domein, gemeente"
LONG_TITLE = "Schuldhulpverlening en bewindvoering"


def _long_words(app, finished_session):  # noqa: F811
    """Names as a municipality writes them: an owner with a comma, a bottleneck with a long compound."""
    with app.app_context():
        db.session.get(Cluster, finished_session["clusters"]["budget"]).title = LONG_TITLE
        for commitment in db.session.scalars(db.select(Commitment).where(Commitment.owner == "Beleidsadviseur")):
            commitment.owner = LONG_OWNER
        db.session.commit()


def _office_or_skip() -> None:
    if shutil.which("soffice") or shutil.which("libreoffice"):
        if shutil.which("pdftotext") and shutil.which("pdfinfo"):
            return
    reason = "LibreOffice and poppler-utils are needed (apt-get install libreoffice-writer-nogui poppler-utils)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must make the PDF, but: {reason}")
    pytest.skip(reason)


# --- Word ------------------------------------------------------------------------------------------


def test_word_reports_pass_the_accessibility_checks(app, finished_session):  # noqa: F811
    _long_words(app, finished_session)
    _, content = word_file(app, finished_session["session_id"], timeline=True)
    assert docx_problems(content) == []
    with app.app_context():
        programme = db.session.get(Programme, db.session.get(Session, finished_session["session_id"]).programme_id)
        for language in ("nl", "en"):
            assert docx_problems(reports.render_programme(programme, "docx", language=language).content) == []


def test_every_chart_says_what_it_shows_with_its_numbers(app, finished_session):  # noqa: F811
    _, content = word_file(app, finished_session["session_id"])
    votes, level_map = alt_texts(content)
    assert votes.startswith("Staafdiagram van de stippen per knelpunt")
    assert "Geen regie, 5 stippen, op te lossen op management" in votes
    assert "Wachtlijsten, 1 stip, op te lossen op nog niet bepaald" in votes
    # three reflections in a bottleneck: two written at execution, one by the only person at management,
    # whose level is not shown (fewer people than the minimum group, like disciplines)
    assert "Niveaukaart van de 3 reflecties in een knelpunt" in level_map
    assert "geschreven op uitvoering: 2 reflecties (1 naar management, 1 naar nog niet bepaald)" in level_map
    assert "management: 1 reflectie" not in level_map
    assert ": 1 reflectie (1 naar beleid)" in level_map


def test_level_map_says_it_counts_only_clustered_reflections_and_whose_level_it_shows(app, finished_session):  # noqa: F811
    doc, content = word_file(app, finished_session["session_id"])
    text = all_text(doc)
    assert "Niveaukaart van de 3 van de 6 reflecties die de groep in een knelpunt zette" in text
    assert "Ingebracht over" not in text and "Ingebracht over" not in "".join(alt_texts(content))


def test_management_summary_comes_first_and_reflections_in_an_appendix(app, finished_session):  # noqa: F811
    _long_words(app, finished_session)
    doc, _ = word_file(app, finished_session["session_id"])
    found = headings(doc)
    level_one = [text for style, text in found if style == "Heading 1"]
    assert level_one[0] == "Samenvatting"
    assert level_one[-2:] == ["Bijlage: reflecties per knelpunt", "Bijlage: overige reflecties"]
    summary = _section(doc, "Samenvatting")
    assert "Knelpunten voor management" in summary and "Knelpunten voor beleid" in summary
    assert (
        "Actieafspraak: Eén regisseur per gezin aanwijzen — Teamleider wijkteam; uiterlijk 1 mrt 2026; open" in summary
    )
    # an owner's own comma never blends with the list's: facts are split by semicolons
    assert f"— {LONG_OWNER}; bezig" in summary
    assert "Knelpunten zonder actieafspraak" in summary and "Wachtlijsten — 1 stip" in summary
    # the summary ends its page; no reflection is in the main text
    appendix = [p.text for p in doc.paragraphs].index("Bijlage: reflecties per knelpunt")
    before = "\n".join(p.text for p in doc.paragraphs[:appendix])
    for reflection in ("Niemand had de regie", "Het gezinsplan werkte", "School zag het vroeg"):
        assert reflection not in before
        assert reflection in all_text(doc)


def _section(doc, title: str) -> str:
    texts = [p.text for p in doc.paragraphs]
    start = texts.index(title)
    end = next(i for i, p in enumerate(doc.paragraphs) if i > start and p.style.name == "Heading 1")
    return "\n".join(texts[start:end])


def test_table_columns_are_at_least_as_wide_as_their_longest_word(app, finished_session):  # noqa: F811
    _long_words(app, finished_session)
    _, content = word_file(app, finished_session["session_id"], timeline=True)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    w = "{" + NS["w"] + "}"
    tables = body.findall(".//w:tbl", NS)
    assert len(tables) >= 4
    for table in tables:
        widths = [int(col.get(w + "w")) / 567 for col in table.findall("w:tblGrid/w:gridCol", NS)]
        for row in table.findall("w:tr", NS):
            bold = row.find("w:trPr/w:tblHeader", NS) is not None
            for width, cell in zip(widths, row.findall("w:tc", NS)):
                # words of a language; a 33-character formula without spaces has to break somewhere
                texts = [x for x in "".join(cell.itertext()).split() if len(x) <= 25]
                longest = max((word.text_cm(x, bold) for x in texts), default=0)
                assert longest + word.CELL_PADDING_CM <= width, ("".join(cell.itertext()), width)


# --- PDF -------------------------------------------------------------------------------------------


def test_pdf_is_tagged_titled_in_dutch_and_breaks_no_word(app, finished_session, tmp_path):  # noqa: F811
    _office_or_skip()
    _long_words(app, finished_session)
    session_id = finished_session["session_id"]
    response = finished_session["client"].get(f"/sessions/{session_id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].endswith(".pdf")
    assert response.headers["Cache-Control"] == "no-store"
    assert pdf_problems(response.data, pictures=2) == []
    pdf = tmp_path / "verslag.pdf"
    pdf.write_bytes(response.data)
    info = pdf_info(pdf)
    assert info["Title"].strip() == "Verslag: Leertafel" and info["Tagged"].strip() == "yes"
    assert "A4" in info["Page size"]
    doc, _ = word_file(app, session_id)
    assert broken_words(pdf, source_words([all_text(doc)])) == []
    text = _pdf_text(pdf)
    for expected in ("Samenvatting", LONG_TITLE, LONG_OWNER, "Niemand had de regie", "Pagina 2"):
        assert expected in text, expected
    assert HIDDEN not in text


def _pdf_text(pdf) -> str:
    import subprocess

    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.replace(
        "\n", " "
    )


def test_the_broken_word_check_finds_a_word_broken_in_a_narrow_column(app, finished_session, tmp_path):  # noqa: F811
    """The check itself: a table with columns too narrow for their words must be caught."""
    _office_or_skip()
    from facilitation.reports import pdf as pdf_export

    with app.test_request_context():
        doc = word.new_document("nl", "Smal")
        table = doc.add_table(rows=1, cols=2)
        table.autofit = False
        for cell, text in zip(table.rows[0].cells, [LONG_TITLE, LONG_OWNER]):
            cell.width = word.Cm(1.6)
            cell.text = text
        for column in table.columns:
            column.width = word.Cm(1.6)
        content = pdf_export.from_docx(word.save(doc))
    path = tmp_path / "smal.pdf"
    path.write_bytes(content)
    assert broken_words(path, source_words([LONG_TITLE, LONG_OWNER, "Knelpunt Wie"]))


def test_programme_pdf_from_the_command_line(app, finished_session, database_url, tmp_path):  # noqa: F811
    _office_or_skip()
    from facilitation.cli import main

    with app.app_context():
        programme_id = db.session.get(Session, finished_session["session_id"]).programme_id
    out = tmp_path / "programma.pdf"
    base = ["--database-url", database_url, "--instance", str(tmp_path / "instance")]
    assert main([*base, "report", "--programme", str(programme_id), "--out", str(out)]) == 0
    assert pdf_problems(out.read_bytes(), pictures=1) == []
    assert pdf_info(out)["Title"].strip() == "Verslag van het leertraject: Programme"
    page = finished_session["client"].get(f"/programmes/{programme_id}").get_data(as_text=True)
    assert f'href="/programmes/{programme_id}/report/pdf"' in page
    console = finished_session["client"].get(f"/sessions/{finished_session['session_id']}/console")
    assert f'href="/sessions/{finished_session["session_id"]}/report/pdf"' in console.get_data(as_text=True)


def test_without_libreoffice_the_pages_say_so_instead_of_a_button(
    app,
    finished_session,  # noqa: F811
    database_url,
    tmp_path,
    monkeypatch,
    capsys,
):
    monkeypatch.setenv("FACILITATION_SOFFICE", str(tmp_path / "no-such-soffice"))
    client, session_id = finished_session["client"], finished_session["session_id"]
    console = client.get(f"/sessions/{session_id}/console").get_data(as_text=True)
    assert 'id="report-pdf-missing"' in console and 'id="report-pdf"' not in console
    assert "LibreOffice is niet geïnstalleerd" in console
    with app.app_context():
        programme_id = db.session.get(Session, session_id).programme_id
    page = client.get(f"/programmes/{programme_id}").get_data(as_text=True)
    assert 'id="programme-report-pdf-missing"' in page and "report/pdf" not in page
    response = client.get(f"/sessions/{session_id}/report.pdf")
    assert response.status_code == 503 and "Wordverslag" in response.get_data(as_text=True)
    assert client.get(f"/programmes/{programme_id}/report/pdf").status_code == 503
    from facilitation.cli import main

    base = ["--database-url", database_url, "--instance", str(tmp_path / "instance")]
    out = tmp_path / "verslag.pdf"
    assert main([*base, "report", "--session", finished_session["code"], "--out", str(out)]) == 2
    assert "No PDF" in capsys.readouterr().err and not out.exists()


def test_english_report_reads_naturally_too(app, finished_session):  # noqa: F811
    with app.app_context():
        db.session.get(Session, finished_session["session_id"]).language = "en"
        db.session.commit()
    doc, content = word_file(app, finished_session["session_id"])
    assert docx_problems(content) == []
    assert [t for s, t in headings(doc) if s == "Heading 1"][0] == "Summary"
    votes, _ = alt_texts(content)
    assert "Geen regie, 5 dots, to be solved at management" in votes
    assert "Level map of the 3 of 6 reflections the group put in a bottleneck" in all_text(doc)
    assert Document(io.BytesIO(content)).core_properties.language == "en-GB"


# --- the bottleneck register -----------------------------------------------------------------------


def test_register_word_and_pdf_are_accessible_too(two_programmes, tmp_path):  # noqa: F811
    client = two_programmes["client"]
    client.post("/register/suggestions/confirm", data={"a": two_programmes["wait_a"], "b": two_programmes["wait_b"]})
    for lang in ("nl", "en"):
        response = client.get(f"/register/export.docx?lang={lang}")
        assert response.status_code == 200
        assert docx_problems(response.data) == []
    page = client.get("/register").get_data(as_text=True)
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        assert 'id="register-pdf-missing"' in page
        _office_or_skip()
    assert 'id="register-pdf"' in page
    response = client.get("/register/export.pdf?lang=nl")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert pdf_problems(response.data, pictures=0) == []
    path = tmp_path / "register.pdf"
    path.write_bytes(response.data)
    assert pdf_info(path)["Title"].strip() == "Knelpuntenregister"


def test_two_pdfs_at_once_each_get_their_own_converter_and_a_hung_one_is_stopped(app, finished_session, monkeypatch):  # noqa: F811
    """Two downloads at the same moment must both get their PDF (each soffice has its own profile); a
    conversion that takes too long ends with a clear error instead of hanging the request."""
    _office_or_skip()
    from concurrent.futures import ThreadPoolExecutor

    from facilitation.reports import pdf as pdf_export

    _, content = word_file(app, finished_session["session_id"])
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(pdf_export.from_docx, [content, content]))
    assert all(result.startswith(b"%PDF-") and b"/StructTreeRoot" in result for result in results)
    monkeypatch.setattr(pdf_export, "TIMEOUT_SECONDS", 0.2)
    with pytest.raises(pdf_export.PdfUnavailable, match="longer than"):
        pdf_export.from_docx(content)


def test_chart_bars_of_each_level_differ_in_greyscale_print(app):
    """Colour alone may not tell levels apart: printed in grey, every level's bar has its own pattern."""
    from PIL import Image

    from facilitation.reports import charts

    levels = ["execution", "management", "policy", "governance", None]
    names = {level: str(level) for level in levels}
    png = charts.votes_chart([charts.Bar(f"Knelpunt {i}", 5, level) for i, level in enumerate(levels)], names)
    grey = Image.open(io.BytesIO(png)).convert("L")
    x0 = int(charts.WIDTH * 0.36) + 30
    looks = []
    for i in range(len(levels)):
        top = 10 + 50 + 10 + i * 84 + 18
        box = grey.crop((x0 + 10, top + 6, x0 + 210, top + 42))
        # share of light pixels (the pattern's white) and the mean grey: together a bar's look in print
        values = list(box.tobytes())
        light = sum(1 for value in values if value > 200) / len(values)
        looks.append((round(light, 1), round(sum(values) / len(values) / 16)))
    assert len(set(looks)) == len(levels), looks
