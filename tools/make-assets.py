#!/usr/bin/env python3
"""Writes the static assets that are drawn rather than typed: public/favicon.ico and the
programme outline PDF, public/programme-outline.pdf. Run it after changing either:

    pip install pillow reportlab && python3 tools/make-assets.py

The outputs are committed, so building enrol never needs these Python packages."""

from pathlib import Path

from PIL import Image, ImageDraw
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

PUBLIC = Path(__file__).resolve().parent.parent / "public"
NHS_BLUE = "#005eb8"

SESSIONS = [
    ("Compassion and leadership",
     "What compassion is and is not. The four behaviours of compassionate leadership: attending, "
     "understanding, empathising and helping. Why compassion matters for staff wellbeing, learning, "
     "innovation and patient care."),
    ("Compassion for ourselves",
     "Recognising our physical and mental state when we are tired, overwhelmed or unable to connect. "
     "Resourcing ourselves as best we can, and responding from a firm compassionate intention rather "
     "than from impulse or intense emotion."),
    ("Attending and listening",
     "Listening with fascination to colleagues and service users. Creating the psychological safety in "
     "which people speak up, raise concerns and learn from mistakes."),
    ("Understanding and empathising",
     "Working with difficulty, conflict and distress in teams. Making sense of a situation together "
     "before acting, and staying with discomfort without rushing to fix it."),
    ("Helping: compassionate action",
     "Taking thoughtful action to help. Shaping team and organisational conditions so that compassion "
     "is possible: workload, inclusion, fairness and support."),
    ("Sustaining compassion",
     "Preventing compassion fatigue and burnout. Bringing compassionate leadership into everyday "
     "practice, and a personal plan for continuing home practice after the course."),
]


def favicon() -> None:
    size = 64
    image = Image.new("RGBA", (size, size), NHS_BLUE)
    draw = ImageDraw.Draw(image)
    # A simple heart: two circles and a triangle, in white.
    draw.ellipse((12, 14, 34, 36), fill="white")
    draw.ellipse((30, 14, 52, 36), fill="white")
    draw.polygon([(13, 29), (51, 29), (32, 52)], fill="white")
    image.save(PUBLIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


def outline() -> None:
    styles = getSampleStyleSheet()
    title = ParagraphStyle("title", parent=styles["Title"], textColor=colors.HexColor(NHS_BLUE), alignment=0)
    heading = ParagraphStyle("heading", parent=styles["Heading2"], textColor=colors.HexColor("#212b32"))
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=11, leading=15)
    doc = SimpleDocTemplate(
        str(PUBLIC / "programme-outline.pdf"),
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title="Compassionate leadership: programme outline",
        author="Compassionate leadership course team",
        subject="Six weekly sessions of 2 hours",
        lang="en-GB",
    )
    story = [
        Paragraph("Compassionate leadership: programme outline", title),
        Paragraph(
            "A training programme of six weekly sessions, lasting 2 hours each, designed by Dr Robert Marx "
            "and Professor Clara Strauss for anyone in a leadership or management role in a health and "
            "social care organisation. Each session combines experiential practice and reflection, with "
            "home practice between sessions to help cultivate compassion for ourselves and the people we lead.",
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    for number, (name, text) in enumerate(SESSIONS, start=1):
        story.append(Paragraph(f"Session {number}: {name}", heading))
        story.append(Paragraph(text, body))
    story += [
        Spacer(1, 4 * mm),
        Paragraph("How the course runs", heading),
        ListFlowable(
            [
                ListItem(Paragraph(t, body))
                for t in [
                    "Online, on Zoom, in small groups: six weekly sessions of 2 hours.",
                    "About 20 minutes of home practice on most days between sessions.",
                    "Free for nurse advocates.",
                    "To secure a place, join a free taster session (no need to book, just turn up) and "
                    "complete the short joining form. Places on the January courses are allocated first "
                    "come, first served, to people who have done both.",
                ]
            ],
            bulletType="bullet",
        ),
    ]
    doc.build(story)


if __name__ == "__main__":
    favicon()
    outline()
