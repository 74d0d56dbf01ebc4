"""Builds the Word template of a meeting's report, `bot/meetings/templates/meeting_report.docx`, which docxtpl fills
(bot/meetings/report.py). The ISU may edit that file in Word — its layout, styles, letterhead — as long as
the `{{ ... }}` fields and the `{%p ... %}` lines stay; this script only makes the first version again:
`python -m bot.meetings.word_template`."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "templates" / "meeting_report.docx"


def build(path: Path = TEMPLATE) -> None:
    from docx import Document

    document = Document()
    document.add_heading("{{ t.title }}", level=0)
    document.add_paragraph("{{ t.number }} · {{ state }}")
    document.add_paragraph("{{ t.occasion }}: {{ occasion }}")
    document.add_paragraph("{{ t.when }}: {{ when }} · {{ t.place }}: {{ place }}")
    document.add_paragraph("{{ t.roles }}")
    document.add_heading("{{ t.participants }}", level=1)
    document.add_paragraph("{%p for participant in participants %}")
    document.add_paragraph("{{ participant }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p if situation %}")
    document.add_heading("{{ t.situation }}", level=1)
    document.add_paragraph("{{ situation }}")
    document.add_heading("{{ t.solutions }}", level=1)
    document.add_paragraph("{{ solutions }}")
    document.add_paragraph("{%p endif %}")
    document.add_heading("{{ t.challenges }}", level=1)
    document.add_paragraph("{%p for challenge in challenges %}")
    document.add_paragraph("{{ challenge }}", style="List Number")
    document.add_paragraph("{%p endfor %}")
    document.add_heading("{{ t.measures }}", level=1)
    document.add_paragraph("{{ measures }}")
    document.add_heading("{{ t.commitments }}", level=1)
    document.add_paragraph("{%p for commitment in commitments %}")
    document.add_paragraph("{{ commitment }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{{ t.prepared }}")
    document.save(str(path))


if __name__ == "__main__":
    build()
    print(f"wrote {TEMPLATE}")
