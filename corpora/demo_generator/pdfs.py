"""The demo PDFs: small A4 papers with a text layer (publisher version, accepted manuscript,
scan-like preprint) and one set of workshop notes that matches no record."""
from __future__ import annotations

import pymupdf

from demo_generator.people import affil_string
from demo_generator.templates import PDF_TEXT

PDF_DATE = "D:20250115120000+00'00'"
REFS = PDF_TEXT["references"]
BODY = PDF_TEXT["body"]
CONF_NOTES = PDF_TEXT["conference_notes"]

A4 = pymupdf.paper_rect("a4")
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 66, 72, 64


class Layout:
    """Minimal flowing-text layout on A4 pages using embedded (subset) Times/Helvetica."""

    def __init__(self, doc, header=""):
        self.doc = doc
        self.header = header
        self.fonts = {"serif": pymupdf.Font("tiro"), "bold": pymupdf.Font("tibo"),
                      "italic": pymupdf.Font("tiit"), "sans": pymupdf.Font("helv"),
                      "sansbold": pymupdf.Font("hebo")}
        self.page = None
        self.tw = None
        self.new_page()

    def flush(self):
        if self.tw is not None:
            self.tw.write_text(self.page)
            self.tw = None

    def new_page(self):
        self.flush()
        self.page = self.doc.new_page(width=A4.width, height=A4.height)
        self.tw = pymupdf.TextWriter(self.page.rect)
        self.y = MARGIN_TOP
        pno = self.page.number + 1
        if self.header:
            self.tw.append((MARGIN_X, 42), self.header, font=self.fonts["sans"], fontsize=7.5)
        label = str(pno)
        w = self.fonts["sans"].text_length(label, 8)
        self.tw.append(((A4.width - w) / 2, A4.height - 34), label, font=self.fonts["sans"], fontsize=8)

    def wrap(self, text, font, size, width):
        f = self.fonts[font]
        lines = []
        for para in text.split("\n"):
            cur = ""
            for word in para.split(" "):
                trial = f"{cur} {word}" if cur else word
                if f.text_length(trial, size) <= width or not cur:
                    cur = trial
                else:
                    lines.append(cur)
                    cur = word
            lines.append(cur)
        return lines

    def text(self, text, font="serif", size=10.5, lead=1.32, before=0.0, after=6.0, indent=0.0,
             keep=1, center=False):
        width = A4.width - 2 * MARGIN_X - indent
        lines = self.wrap(text, font, size, width)
        lh = size * lead
        self.y += before
        if self.y + lh * min(keep, len(lines)) > A4.height - MARGIN_BOTTOM:
            self.new_page()
        for ln in lines:
            if self.y + lh > A4.height - MARGIN_BOTTOM:
                self.new_page()
            x = MARGIN_X + indent
            if center:
                x = (A4.width - self.fonts[font].text_length(ln, size)) / 2
            self.tw.append((x, self.y + size), ln, font=self.fonts[font], fontsize=size)
            self.y += lh
        self.y += after

    def heading(self, text):
        self.text(text, font="bold", size=12, before=6, after=4, keep=4)

    def rule(self):
        y = self.y + 2
        self.page.draw_line((MARGIN_X, y), (A4.width - MARGIN_X, y), color=(0.4, 0.4, 0.4), width=0.5)
        self.y += 10


def body_sections(rec):
    th, v, s = rec["theme"], rec["variant"], rec["s"]
    b = lambda key: [p.format(**s) for p in BODY[th][key]]
    if th == "bibliometrics":
        return [("1. Introduction", b("intro")),
                ("2. Data and methods", b("data") + b(v) + b("robust")),
                ("3. Results", b("results") + b("results_" + v)),
                ("4. Discussion and conclusions", b("discussion"))]
    if th == "open_access":
        return [("1. Introduction", b("intro") + b("intro_" + v)),
                ("2. Methods", b("methods_" + v)),
                ("3. Results", b("results_" + v)),
                ("4. Discussion", b("discussion_" + v))]
    if th == "psych_replication":
        return [("Introduction", b("intro")), ("Method", b("methods")),
                ("Results", b("results")), ("Discussion", b("discussion"))]
    raise ValueError(th)


def new_pdf_doc():
    return pymupdf.open()


def save_pdf(doc, path, meta):
    m = {"title": "", "author": "", "subject": "", "keywords": "",
         "creator": "litlab corpora/make_demo.py", "producer": "PyMuPDF",
         "creationDate": PDF_DATE, "modDate": PDF_DATE}
    m.update(meta)
    doc.set_metadata(m)
    doc.subset_fonts()
    doc.save(path, garbage=4, deflate=True, no_new_id=True, use_objstms=1)
    doc.close()


def month_name(i):
    return ["January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December"][i]


def write_paper_pdf(path, rec, kind, rng):
    """kind: 'publisher' (DOI in header), 'aam' (accepted manuscript, DOI in text), 'scan' (no DOI)."""
    doc = new_pdf_doc()
    s = rec["s"]
    if kind == "publisher":
        vol = f"{rec['source']} {rec['volume']}"
        if rec["issue"]:
            vol += f"({rec['issue']})"
        header = f"{vol} ({rec['year']}) {rec['pstart']}–{rec['pend']}   |   https://doi.org/{rec['doi']}"
    elif kind == "aam":
        header = "AUTHOR ACCEPTED MANUSCRIPT"
    else:
        header = ""
    L = Layout(doc, header=header)
    if kind == "publisher":
        L.text(rec["source"], font="sansbold", size=9, after=2)
        L.text(f"Research article  ·  https://doi.org/{rec['doi']}", font="sans", size=8.5, after=10)
        L.rule()
    L.text(rec["title"], font="bold", size=16, lead=1.2, after=8)
    authors = ", ".join(f"{a.given}{' ' + a.middle + '.' if a.middle else ''} {a.surname}" for a in rec["authors"])
    L.text(authors, font="serif", size=11, after=4)
    affs = []
    for a in rec["authors"]:
        x = affil_string(a.inst)
        if x not in affs:
            affs.append(x)
    for x in affs:
        L.text(x, font="italic", size=8.5, after=1)
    L.y += 6
    if kind == "publisher":
        m = rng.randint(0, 8)
        L.text(f"Received {rng.randint(1, 28)} {month_name(m)} {rec['year'] - 1}; accepted "
               f"{rng.randint(1, 28)} {month_name(m + 3)} {rec['year'] - (1 if m + 3 < 9 else 0)}",
               font="sans", size=8, after=6)
    elif kind == "aam":
        L.text(f"This is the author accepted manuscript of an article published in {rec['source']} "
               f"({rec['year']}). The version of record is available at https://doi.org/{rec['doi']}. "
               f"This version is made available under a CC BY 4.0 licence.", font="sans", size=8, after=6)
    else:
        L.text("Preprint – not peer reviewed", font="sans", size=8, after=6)
    L.rule()
    L.text("Abstract", font="bold", size=10.5, after=2)
    L.text(rec["abstract_full"], font="serif", size=9.5, after=4)
    if rec["akw"]:
        L.text("Keywords: " + "; ".join(rec["akw"]), font="italic", size=9, after=8)
    L.rule()
    for head, paras in body_sections(rec):
        L.heading(head)
        for p in paras:
            L.text(p, font="serif", size=10.5, after=5)
    refs = [t for y, t in REFS[rec["theme"]] if y < rec["year"]]
    if refs:
        L.heading("References")
        for t in refs:
            L.text(t, font="serif", size=8.5, indent=12, after=2)
    L.flush()
    meta = {}
    if kind != "scan":
        meta = {"title": rec["title"], "author": "; ".join(a.short for a in rec["authors"])}
    save_pdf(doc, path, meta)


def write_conference_notes(path):
    doc = new_pdf_doc()
    L = Layout(doc, header="Internal notes - not for citation")
    L.text(CONF_NOTES[0][0], font="bold", size=16, lead=1.2, after=4)
    L.text("Notes taken by the organising committee. Attendance: 34 participants from libraries, research "
           "offices and research groups.", font="italic", size=9.5, after=8)
    L.rule()
    for _round in range(2):
        for head, para in CONF_NOTES[1:]:
            if _round == 1 and head in ("Open questions", "Next steps"):
                continue
            if _round == 1:
                head = head + " (breakout group B)"
                para = ("Breakout group B largely confirmed the plenary discussion. " + para +
                        " Participants asked for concrete examples from their own disciplines.")
            L.heading(head)
            L.text(para, font="serif", size=10.5, after=6)
    L.flush()
    save_pdf(doc, path, {"title": "Workshop notes"})
