"""Builds the Word template of the Committee's annual account, `bot/partnerships/templates/committee_report.docx`,
which docxtpl fills (bot/partnerships/report.py). The ISU may edit that file in Word — its layout, styles,
letterhead — as long as the `{{ ... }}` fields and the `{%p ... %}` lines stay; this script only makes the first
version again: `python -m bot.partnerships.word_template`."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "templates" / "committee_report.docx"


def build(path: Path = TEMPLATE) -> None:
    from docx import Document

    document = Document()
    document.add_heading("{{ t.title }}", level=0)
    document.add_paragraph("{{ subtitle }}")
    document.add_heading("{{ t.summary }}", level=1)
    document.add_paragraph("{%p for line in summary %}")
    document.add_paragraph("{{ line }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_heading("{{ t.by_area }}", level=1)
    document.add_paragraph("{{ chart }}")
    document.add_paragraph("{%p for row in by_area %}")
    document.add_paragraph("{{ row.label }}: {{ row.count }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{{ t.by_area_note }}")
    document.add_heading("{{ t.by_kind }}", level=1)
    document.add_paragraph("{%p for row in by_kind %}")
    document.add_paragraph("{{ row.label }}: {{ row.count }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_heading("{{ t.by_partner }}", level=1)
    document.add_paragraph("{%p for row in by_partner %}")
    document.add_paragraph("{{ row.label }}: {{ row.count }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{{ t.by_partner_note }}")
    document.add_heading("{{ t.targets }}", level=1)
    document.add_paragraph("{{ targets_line }}")
    document.add_heading("{{ t.money }}", level=1)
    document.add_paragraph("{%p if money %}")
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("{{ t.currency }}", "{{ t.pledged }}", "{{ t.disbursed }}"),
                          strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for row in money %}"
    for cell, text in zip(table.rows[2].cells, ("{{ row.currency }}", "{{ row.pledged }}", "{{ row.disbursed }}"),
                          strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    document.add_paragraph("{%p else %}")
    document.add_paragraph("{{ t.no_money }}")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{{ in_kind }}")
    document.add_heading("{{ t.unpartnered }}", level=1)
    document.add_paragraph("{%p if unpartnered_count %}")
    document.add_paragraph("{{ unpartnered_intro }}")
    document.add_paragraph("{%p for row in unpartnered_by_area %}")
    document.add_paragraph("{{ row.label }}: {{ row.count }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p for need in unpartnered_named %}")
    document.add_paragraph("{{ need }}", style="List Number")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{{ unnamed }}")
    document.add_paragraph("{%p else %}")
    document.add_paragraph("{{ t.unpartnered_none }}")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{{ t.prepared }}")
    document.save(str(path))


if __name__ == "__main__":
    build()
    print(f"wrote {TEMPLATE}")
