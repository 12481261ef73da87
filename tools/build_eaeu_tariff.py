#!/usr/bin/env python3
"""Parse the EAEU Common Customs Tariff (ETT EAEU) chapter PDFs into a curated table.

Input: ../shared/data/eaeu_ett/ (the Eurasian Economic Commission's per-chapter PDFs
ru.NN_2022[_DD.MM.YYYY].pdf, and the notes PDFs notes_ett_*.pdf and notes_tnved_*.pdf).
Output (committed):
  data/curated/landed/eaeu_ett.csv.gz      one row per 10-digit line and rate period
  data/curated/landed/EAEU_ETT_REPORT.md   counts, and every line that did not parse, with why

Text comes from pypdf's text visitor (position, font size and text of every run), not from
a flattened text dump: footnote marks are set in a smaller font (8.5 pt against 13 pt), which
is the only reliable way to split a rate like `563С)` into rate 5 and footnote 63.

Usage: python tools/build_eaeu_tariff.py [--src DIR] [--out DIR] [--chapters 61,87]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pypdf

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT.parent / "shared" / "data" / "eaeu_ett"
OUT = ROOT / "data" / "curated" / "landed"

SUPER_MAX_PT = 10.0  # runs smaller than this are superscripts (footnote marks)
DASH = "–"
MONTHS = {
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}

# ---------------------------------------------------------------------------------------------
# Reading a PDF page into rows


def page_runs(page):
    runs = []

    def visit(text, cm, tm, _font, size):
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        pt = abs(size * tm[3] * cm[3]) or size
        runs.append((y, x, pt, text))

    page.extract_text(visitor_text=visit)
    return runs


def visual_lines(runs):
    """Groups runs into lines by baseline; superscripts join the line just below them."""
    normal = sorted((r for r in runs if r[2] >= SUPER_MAX_PT), key=lambda r: (-r[0], r[1]))
    sup = [r for r in runs if r[2] < SUPER_MAX_PT]
    lines: list[list] = []  # [y, [(x, text, is_sup)]]
    for y, x, _pt, t in normal:
        if lines and abs(lines[-1][0] - y) < 2.5:
            lines[-1][1].append((x, t, False))
        else:
            lines.append([y, [(x, t, False)]])
    for y, x, _pt, t in sup:
        best = None
        for ln in lines:
            d = y - ln[0]
            if -1.0 <= d <= 9.0 and (best is None or d < best[0]):
                best = (d, ln)
        if best is None:
            lines.append([y, [(x, t, True)]])
        else:
            best[1][1].append((x, t, True))
    lines.sort(key=lambda ln: -ln[0])
    for ln in lines:
        ln[1].sort(key=lambda c: c[0])
    return lines


DIGIT_PT = 6.48  # width of a digit at 12.96 pt (half an em)


def cell_text(parts):
    out = ""
    prev_end = None
    for x, t, is_sup in parts:
        if is_sup:
            out = out.rstrip() + "^{" + t.strip() + "}"
        else:
            # Digits of one number are sometimes separate runs ("1" "0"): no space between
            # runs that touch.
            touching = (prev_end is not None and out[-1:].isdigit() and t[:1].isdigit()
                        and x - prev_end < 2.0)
            if out and not out.endswith(" ") and not t.startswith(" ") and not touching:
                out += " "
            out += t
            prev_end = x + DIGIT_PT * len(t)
    return re.sub(r"\s+", " ", out).strip()


CODE_RE = re.compile(r"^(\d{4})(?: ?(\d{2}))?(?: ?(\d{2,3}))?(?: ?(\d))?$")


def parse_code(text):
    t = re.sub(r"\^\{[^}]*\}", "", text).strip()
    # A code is sometimes split into runs at odd places ("2903 7" + "3 000 0").
    if not re.fullmatch(r"\d[\d ]*", t):
        return None
    digits = t.replace(" ", "")
    return digits if len(digits) in (4, 6, 8, 9, 10) else None


class Entry:
    def __init__(self, code, page, y):
        self.code = code  # digits, or None for an uncoded sub-heading
        self.page = page
        self.y = y
        self.code_raw: list[str] = []
        self.desc: list[str] = []
        self.unit: list[str] = []
        self.rate: list[str] = []

    @property
    def desc_text(self):
        return re.sub(r"\s+", " ", " ".join(self.desc)).strip()

    @property
    def rate_text(self):
        return re.sub(r"\s+", " ", " ".join(self.rate)).strip()

    @property
    def unit_text(self):
        return re.sub(r"\s+", " ", " ".join(self.unit)).strip()


def chapter_entries(path: Path):
    reader = pypdf.PdfReader(str(path))
    entries: list[Entry] = []
    for pno, page in enumerate(reader.pages, start=1):
        runs = page_runs(page)
        dop = [r for r in runs if r[3].strip().startswith("Доп.")]
        if not dop:
            continue
        dop_y, dop_x = dop[0][0], dop[0][1]
        header_low = min(
            (r[0] for r in runs if abs(r[0] - dop_y) < 80 and r[1] > dop_x + 20 and
             ("США" in r[3] or "евро" in r[3])),
            default=dop_y - 40,
        )
        unit_x0 = dop_x - 9
        rate_x0 = dop_x + 36
        code_x1 = 180.0
        body = [r for r in runs if r[0] < header_low - 4 and r[0] > 45]
        for y, parts in visual_lines(body):
            cols = {"code": [], "desc": [], "unit": [], "rate": []}
            for x, t, s in parts:
                key = ("code" if x < code_x1 else "desc" if x < unit_x0 else
                       "unit" if x < rate_x0 else "rate")
                cols[key].append((x, t, s))
            # A `+` in the margin marks a changed line; it is not part of the code.
            code_t = cell_text(cols["code"]).lstrip("+* ").strip()
            desc_t = cell_text(cols["desc"])
            code = parse_code(code_t) if code_t else None
            if code_t and code is None:
                # Text in the code column that is not a code: part of the description.
                desc_t = (code_t + " " + desc_t).strip()
            if code is not None:
                e = Entry(code, pno, y)
                e.code_raw.append(code_t)
                entries.append(e)
            elif desc_t.startswith(DASH) or not entries:
                e = Entry(None, pno, y)
                entries.append(e)
            e = entries[-1]
            if desc_t:
                e.desc.append(desc_t)
            if cols["unit"]:
                e.unit.append(cell_text(cols["unit"]))
            if cols["rate"]:
                e.rate.append(cell_text(cols["rate"]))
    return entries, len(reader.pages)


# ---------------------------------------------------------------------------------------------
# Notes


def read_text(path: Path):
    reader = pypdf.PdfReader(str(path))
    return "\n".join(p.extract_text() for p in reader.pages)


def ru_date(s):
    s = s.strip()
    m = re.match(r"(\d{1,2})\.(\d{2})\.(\d{4})", s)
    if m:
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    m = re.match(r"(\d{1,2}) (\w+) (\d{4})", s)
    if m and m[2] in MONTHS:
        return dt.date(int(m[3]), MONTHS[m[2]], int(m[1]))
    return None


def parse_ett_notes(path: Path):
    """notes_ett: `NС) text` -> {N: {...}}."""
    text = re.sub(r"[ \t]+", " ", read_text(path))
    notes = {}
    parts = re.split(r"(?:^|\n)\s*(\d{1,3})[СC]\)", text)
    for i in range(1, len(parts) - 1, 2):
        n = int(parts[i])
        body = re.sub(r"\s+", " ", parts[i + 1]).strip()
        body = body.split("_____")[0].strip()
        notes[n] = interpret_note(body)
    return notes


def interpret_note(body):
    # Words split by the PDF's justification (hand repairs, listed in the report).
    body = body.replace("разме ре", "размере").replace("пошл ины", "пошлины")
    d = {"text": body, "kind": "other"}
    if "утратило силу" in body:
        d["kind"] = "repealed"
        return d
    ru_only = "ввозимых в Российскую Федерацию" in body
    periods = re.findall(r"\bс (\d{2}\.\d{2}\.\d{4})", body)
    m_rate = re.match(r"Ставка ввозной таможенной пошлины в размере (.+?) от таможенной\s*стоимости", body)
    if not m_rate:
        return d
    rate = m_rate.group(1).replace("0 (ноль)", "0").replace(" ", "").replace("%", "")
    rest = body[m_rate.end():]
    try:
        pct = float(rate.replace(",", "."))
    except ValueError:
        return d
    spec = re.match(r",?\s*(но не менее|плюс)\s*([\d,]+) евро за 1 (кг|шт)", rest.strip())
    d["pct"] = pct
    if spec:
        d["spec_kind"] = "max_of" if spec[1] == "но не менее" else "compound"
        d["spec_amount"] = float(spec[2].replace(",", "."))
        d["spec_unit"] = {"кг": "kg", "шт": "unit"}[spec[3]]
    if ru_only and not periods:
        d["kind"] = "ru_rate"
        return d
    # one temporary period: "с DD.MM.YYYY по DD.MM.YYYY" or "с даты вступления в силу Решения ...
    # от <date> № N по <date>"
    m = re.search(r"применяется\s+с (\d{2}\.\d{2}\.\d{4}) по (\d{2}\.\d{2}\.\d{4}) включительно\.?$", body)
    if m and not ru_only:
        d.update(kind="temporary", valid_from=ru_date(m[1]), valid_to=ru_date(m[2]))
        return d
    m = re.search(r"с даты вступления в силу Решения\s+(Совета|Коллегии) Евразийской экономической "
                  r"комиссии от (\d{1,2} \w+ \d{4}) г\. № (\d+) по (\d{2}\.\d{2}\.\d{4}|\d{1,2} \w+ \d{4} г\.) "
                  r"включительно\.?$", body)
    if m and not ru_only:
        d.update(kind="temporary", valid_from=ru_date(m[2]), valid_to=ru_date(m[4]),
                 from_note=f"from the entry into force of EEC {'Council' if m[1] == 'Совета' else 'Board'} Decision No. {m[3]} of "
                           f"{ru_date(m[2]).isoformat()} (valid_from is the decision's date: a lower bound)")
        return d
    # Two periods (notes 64С-66С): "с A по B включительно, с C – в размере X % ... ввозимых в
    # Российскую Федерацию" (a Russia-only rate from C), or "..., в размере X % – с C по D".
    m = re.search(r"применяется с (\d{2}\.\d{2}\.\d{4}) по (\d{2}\.\d{2}\.\d{4})\s+включительно, "
                  r"с (\d{2}\.\d{2}\.\d{4})\s*– в\s+размере\s+([\d,]+)\s*%.*ввозимых в\s+Российскую "
                  r"Федерацию\.?$", body)
    if m:
        d.update(kind="temporary", valid_from=ru_date(m[1]), valid_to=ru_date(m[2]),
                 then_ru=(float(m[4].replace(",", ".")), ru_date(m[3])))
        return d
    m = re.search(r"применяется с (\d{2}\.\d{2}\.\d{4}) по (\d{2}\.\d{2}\.\d{4}) включительно, "
                  r"в размере ([\d,]+) % от таможенной стоимости – с (\d{2}\.\d{2}\.\d{4}) по "
                  r"(\d{2}\.\d{2}\.\d{4}) включительно\.?$", body)
    if m:
        d.update(kind="temporary", valid_from=ru_date(m[1]), valid_to=ru_date(m[2]),
                 second=(float(m[3].replace(",", ".")), ru_date(m[4]), ru_date(m[5])))
        return d
    return d


def parse_tnved_notes(path: Path):
    text = re.sub(r"[ \t]+", " ", read_text(path))
    notes = {}
    parts = re.split(r"(?:^|\n)\s*(\d{1,3})\)", text)
    for i in range(1, len(parts) - 1, 2):
        n = int(parts[i])
        if n in notes:
            continue
        notes[n] = re.sub(r"\s+", " ", parts[i + 1]).strip()
    return notes


# ---------------------------------------------------------------------------------------------
# Rates

NUM = r"\d+(?:[ \u00a0]?\d{3})*(?:,\d+)?"
UNITS = [
    # (printed, unit, divisor)
    (r"1 кг", "kg", 1), (r"1000 кг", "kg", 1000), (r"100 кг", "kg", 100), (r"1 т", "kg", 1000),
    (r"1 л 100% спирта", "l_alcohol", 1), (r"1 л", "l", 1), (r"1 см3", "cm3", 1),
    (r"1 см³", "cm3", 1), (r"1 пару", "pair", 1), (r"1 пара", "pair", 1), (r"1 шт", "unit", 1),
    (r"1000 шт", "unit", 1000), (r"1 м2", "m2", 1), (r"1 м²", "m2", 1), (r"1 м3", "m3", 1),
]
CUR = r"(евро|доллара? США|долларов США)"


def num(s):
    return float(s.replace(" ", "").replace("\u00a0", "").replace(",", "."))


def parse_specific(s):
    """`0,2 евро за 1 кг` -> (amount per base unit, currency, unit, printed)."""
    s = s.strip()
    s = re.sub(r"\s*объема двигателя$", "", s)
    m = re.match(rf"^({NUM}) {CUR} за (.+)$", s)
    if not m:
        return None
    cur = "EUR" if m[2] == "евро" else "USD"
    per = m[3].strip()
    for printed, unit, div in UNITS:
        if per == printed:
            return (round(num(m[1]) / div, 9), cur, unit)
    return None


def parse_rate(text):
    """Returns (kind, pct, specific or None) or raises ValueError(reason)."""
    t = text.replace("см^{3}", "см3").replace("м^{2}", "м2").replace("м^{3}", "м3")
    t = re.sub(r"\s+", " ", t).strip().rstrip(".")
    t = re.sub(r"(\d) ?, ?(\d)", r"\1,\2", t)  # "6 ,5" is 6,5
    if not t:
        raise ValueError("no rate printed")
    if re.fullmatch(NUM, t):
        return ("ad_valorem", num(t), None)
    if re.fullmatch(r"\d+(,\d+)? ?%", t):
        return ("ad_valorem", num(t.rstrip("% ")), None)
    sp = parse_specific(t)
    if sp:
        return ("specific", None, sp)
    m = re.fullmatch(rf"({NUM}),? но не менее (.+)", t)
    if m:
        sp = parse_specific(m[2])
        if sp:
            return ("max_of", num(m[1]), sp)
    m = re.fullmatch(rf"({NUM}) ?(?:%|) ?(?:плюс|\+) (.+)", t)
    if m:
        sp = parse_specific(m[2])
        if sp:
            return ("compound", num(m[1]), sp)
    raise ValueError(f"rate text not in a known form: '{t}'")


SUP_RE = re.compile(r"\^\{([^}]*)\}")


def split_marks(text):
    """Takes superscript marks out of a cell: (clean text, [marks])."""
    text = re.sub(r"(с?м)\^\{([23])\}", r"\g<1>\2", text)
    # A mark set as two runs ("103" "С)") is one mark.
    while True:
        merged = re.sub(r"\^\{([^}]*)\}\s*\^\{([^}]*)\}", r"^{\1\2}", text)
        if merged == text:
            break
        text = merged
    # Footnote marks end in ")"; other superscripts (exponents such as 10^{-6}) stay in the text.
    marks = [m.strip() for m in SUP_RE.findall(text) if m.strip().endswith(")")]
    clean = SUP_RE.sub(lambda m: " " if m[1].strip().endswith(")") else "^" + m[1], text)
    return re.sub(r"\s+", " ", clean).strip(), marks


def classify_mark(m):
    m = m.replace("C", "С")
    r = re.fullmatch(r"(\d{1,3})С\)", m)
    if r:
        return ("ett", int(r[1]))
    r = re.fullmatch(r"(\d{1,3})\)", m)
    if r:
        return ("tnved", int(r[1]))
    return ("other", m)


# ---------------------------------------------------------------------------------------------


SUPP_UNITS = {
    "–": "", "-": "", "шт": "pieces", "л": "litres", "кг": "kg", "пар": "pairs", "м2": "m2",
    "м^{2}": "m2", "м3": "m3", "м^{3}": "m3", "1000 шт": "1000 pieces", "г": "g", "м": "m",
    "кар": "carats", "л 100% спирта": "litres of pure alcohol",
}


def chapter_files(src: Path):
    out = []
    for p in sorted(src.glob("ru.*.pdf")):
        m = re.match(r"ru\.(\d{2})_2022(?:_(\d{2})\.(\d{2})\.(\d{4}))?\.pdf$", p.name)
        if not m:
            continue
        date = f"{m[4]}-{m[3]}-{m[2]}" if m[2] else ""
        out.append((int(m[1]), p, date))
    return out


def day_before(d):
    return d - dt.timedelta(days=1)


def build(src: Path, out: Path, chapters=None):
    ett_notes = parse_ett_notes(next(src.glob("notes_ett_*.pdf")))
    tnved_notes = parse_tnved_notes(next(src.glob("notes_tnved_*.pdf")))
    ett_notes_file = next(src.glob("notes_ett_*.pdf")).name
    tnved_notes_file = next(src.glob("notes_tnved_*.pdf")).name

    rows = []
    unparsed = []  # (code, chapter file, page, rate text, reason)
    counts = Counter()
    kinds = Counter()
    pages_total = 0
    ch_summary = []
    for ch, path, date in chapter_files(src):
        if chapters and ch not in chapters:
            continue
        entries, npages = chapter_entries(path)
        pages_total += npages
        n10 = 0
        stack: list[tuple[int, str]] = []  # (level, desc)
        for e in entries:
            desc_clean, desc_marks = split_marks(e.desc_text)
            level = 0 if (e.code and len(e.code) == 4) else -1
            if level != 0:
                m = re.match(rf"^((?:{DASH} ?)+)", desc_clean)
                level = m.group(1).count(DASH) if m else 1
            own = re.sub(rf"^(?:{DASH} ?)+", "", desc_clean).strip()
            while stack and stack[-1][0] >= level:
                stack.pop()
            path_desc = " / ".join(d for _l, d in stack if d)
            stack.append((level, own.rstrip(":")))
            if not e.code or len(e.code) != 10:
                if e.code is None and e.rate_text:
                    pass
                continue
            n10 += 1
            counts["lines"] += 1
            rate_clean, rate_marks = split_marks(e.rate_text)
            code_clean, code_marks = split_marks(" ".join(e.code_raw))
            marks = rate_marks + desc_marks + code_marks
            unit_clean, _ = split_marks(e.unit_text)
            src_ref = f"ЕТТ ЕАЭС, ЕЭК, chapter {ch:02d} PDF {path.name}, p. {e.page}"
            base = {
                "importer": "EAEU", "hs": e.code, "description": own,
                "description_path": path_desc,
                "supplementary_unit": SUPP_UNITS.get(unit_clean, unit_clean),
                "rate_text": e.rate_text, "footnotes": ";".join(marks),
                "source": src_ref, "source_date": date, "chapter_pdf": path.name, "page": e.page,
            }
            try:
                kind, pct, sp = parse_rate(rate_clean)
            except ValueError as err:
                counts["unparsed"] += 1
                unparsed.append((e.code, path.name, e.page, e.rate_text, str(err)))
                r = dict(base, duty_kind="other", ad_valorem_pct="", specific_amount="",
                         specific_currency="", specific_unit="", valid_from="", valid_to="",
                         notes=f"UNPARSED: {err}; read the rate in the PDF")
                rows.append(r)
                continue
            counts["parsed"] += 1
            kinds[kind] += 1
            if marks:
                counts["footnoted"] += 1
            duty = dict(duty_kind=kind, ad_valorem_pct=fmt(pct),
                        specific_amount=fmt(sp[0]) if sp else "",
                        specific_currency=sp[1] if sp else "", specific_unit=sp[2] if sp else "")
            note_texts = []
            temporaries = []
            ru_rates = []
            for mk in marks:
                cls, n = classify_mark(mk)
                if cls == "ett":
                    note = ett_notes.get(n)
                    if note is None:
                        counts["note_missing"] += 1
                        note_texts.append(
                            f"{n}С) NOT APPLIED: note {n}С) is not in {ett_notes_file}, which is "
                            f"older than this chapter; the rate may differ for a period (check "
                            f"the current notes to the ETT)")
                        continue
                    if note["kind"] == "repealed":
                        note_texts.append(f"{n}С): {note['text']} (the rate as printed applies)")
                    elif note["kind"] == "temporary":
                        temporaries.append((n, note))
                        if "second" in note:
                            pct2, f2, t2 = note["second"]
                            temporaries.append((n, dict(note, pct=pct2, valid_from=f2, valid_to=t2)))
                        if "then_ru" in note:
                            pct2, f2 = note["then_ru"]
                            ru_rates.append((n, {"text": note["text"], "pct": pct2, "valid_from": f2}))
                        note_texts.append(f"{n}С): {note['text']}")
                    elif note["kind"] == "ru_rate":
                        ru_rates.append((n, note))
                        note_texts.append(f"{n}С): {note['text']}")
                    else:
                        counts["note_not_applied"] += 1
                        note_texts.append(f"{n}С) NOT APPLIED (check by hand): {note['text']}")
                elif cls == "tnved":
                    t = tnved_notes.get(n, f"note not found in {tnved_notes_file}")
                    note_texts.append(f"{n}) condition: {t[:300]}")
                else:
                    note_texts.append(f"mark '{n}' not understood")
            notes = " | ".join(note_texts)
            # The printed rate, split around the temporary periods.
            temporaries.sort(key=lambda tn: tn[1]["valid_from"])
            cursor = None
            for n, note in temporaries:
                f, t = note["valid_from"], note["valid_to"]
                if cursor is None or f > cursor:
                    rows.append(dict(base, **duty, valid_from=iso(cursor), valid_to=iso(day_before(f)),
                                     notes=notes))
                tduty = note_duty(note)
                rows.append(dict(base, **tduty, valid_from=iso(f), valid_to=iso(t),
                                 rate_text=f"{e.rate_text} -> temporary: note {n}С)",
                                 notes=f"TEMPORARY rate of note {n}С) of {ett_notes_file}: "
                                       f"{note['text']}" + (f" ({note['from_note']})" if note.get("from_note") else "")))
                cursor = t + dt.timedelta(days=1)
                counts["temporary_periods"] += 1
            rows.append(dict(base, **duty, valid_from=iso(cursor), valid_to="", notes=notes))
            for n, note in ru_rates:
                rows.append(dict(base, **note_duty(note), importer="RU",
                                 valid_from=iso(note.get("valid_from")), valid_to="",
                                 rate_text=f"{e.rate_text} -> RU: note {n}С)",
                                 notes=f"Rate for goods imported into the Russian Federation, note "
                                       f"{n}С) of {ett_notes_file}: {note['text']}"))
                counts["ru_rates"] += 1
        ch_summary.append((ch, path.name, date, npages, n10))
        print(f"chapter {ch:02d}: {n10} lines", file=sys.stderr)

    write(out, rows, unparsed, counts, kinds, ch_summary, ett_notes, ett_notes_file)
    return counts


def note_duty(note):
    if "spec_kind" in note:
        return dict(duty_kind=note["spec_kind"], ad_valorem_pct=fmt(note["pct"]),
                    specific_amount=fmt(note["spec_amount"]), specific_currency="EUR",
                    specific_unit=note["spec_unit"])
    return dict(duty_kind="ad_valorem", ad_valorem_pct=fmt(note["pct"]), specific_amount="",
                specific_currency="", specific_unit="")


def fmt(x):
    if x is None:
        return ""
    return ("%.9f" % x).rstrip("0").rstrip(".")


def iso(d):
    return d.isoformat() if d else ""


COLUMNS = ["importer", "hs", "description", "description_path", "supplementary_unit", "duty_kind",
           "ad_valorem_pct", "specific_amount", "specific_currency", "specific_unit", "valid_from",
           "valid_to", "rate_text", "footnotes", "notes", "source", "source_date", "chapter_pdf",
           "page"]


def write(out: Path, rows, unparsed, counts, kinds, ch_summary, ett_notes, ett_notes_file):
    out.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: r.get(k, "") for k in COLUMNS})
    with gzip.GzipFile(out / "eaeu_ett.csv.gz", "wb", mtime=0) as f:
        f.write(buf.getvalue().encode("utf-8"))

    reasons = Counter(re.sub(r"'.*'", "'...'", u[4]) for u in unparsed)
    lines = [
        "# EAEU Common Customs Tariff: parse report",
        "",
        "Generated by `tools/build_eaeu_tariff.py` from the chapter PDFs in "
        "`../shared/data/eaeu_ett/` (ЕТТ ЕАЭС, Eurasian Economic Commission). Do not edit.",
        "",
        "## Counts",
        "",
        "| what | count |",
        "|---|---|",
        f"| 10-digit lines found | {counts['lines']} |",
        f"| with a parsed rate | {counts['parsed']} |",
        f"| not parsed (kind `other`, listed below) | {counts['unparsed']} |",
    ]
    for k, v in sorted(kinds.items()):
        lines.append(f"| parsed, `{k}` | {v} |")
    lines += [
        f"| with footnote marks | {counts['footnoted']} |",
        f"| temporary rate periods (from the notes) | {counts['temporary_periods']} |",
        f"| Russia-only rates (notes 'ввозимых в Российскую Федерацию') | {counts['ru_rates']} |",
        f"| footnotes whose meaning was not applied (text kept, flagged) | {counts['note_not_applied']} |",
        f"| footnote marks whose note is missing from {ett_notes_file} (newer notes; flagged) | "
        f"{counts['note_missing']} |",
        "",
        "## Notes of the tariff (" + ett_notes_file + ") as read",
        "",
        "| note | kind | rate | from | to |",
        "|---|---|---|---|---|",
    ]
    for n, nt in sorted(ett_notes.items()):
        lines.append(f"| {n}С) | {nt['kind']} | {fmt(nt.get('pct'))} | {iso(nt.get('valid_from'))} | "
                     f"{iso(nt.get('valid_to'))} |")
    lines += ["", "## Chapters", "", "| chapter | PDF | date | pages | 10-digit lines |",
              "|---|---|---|---|---|"]
    for ch, name, date, npages, n10 in ch_summary:
        lines.append(f"| {ch:02d} | {name} | {date or 'undated'} | {npages} | {n10} |")
    lines += ["", "## Lines not parsed", "", "Reasons:", ""]
    for r, c in reasons.most_common():
        lines.append(f"- {c} x {r}")
    lines += ["", "| code | PDF | page | rate as printed | reason |", "|---|---|---|---|---|"]
    for code, name, page, text, reason in unparsed:
        lines.append(f"| {code} | {name} | {page} | {text.replace('|', '/')} | "
                     f"{reason.replace('|', '/')} |")
    (out / "EAEU_ETT_REPORT.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", type=Path, default=SRC)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--chapters", default="")
    a = ap.parse_args()
    chapters = {int(c) for c in a.chapters.split(",") if c}
    counts = build(a.src, a.out, chapters or None)
    print(dict(counts))


if __name__ == "__main__":
    main()
