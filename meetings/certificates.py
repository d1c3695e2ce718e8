"""Certificates of completion as PDF (fpdf2, pure Python): the person's name, the training,
its days and hours, the place and the organisers, on one landscape page."""

import unicodedata

from django.conf import settings
from django.http import HttpResponse
from fpdf import FPDF

from meetings import public
from meetings.models import Registration

NAVY = (23, 43, 77)
GREY = (90, 90, 90)


def _latin1(text: str) -> str:
    """The PDF's built-in fonts cover Latin-1: other letters are written without their
    accents where they have one (Ł → L), and as "?" otherwise."""
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        pass
    kept = []
    for char in text:
        try:
            char.encode("latin-1")
            kept.append(char)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            kept.append(plain or "?")
    return "".join(kept)


def _days_text(registration: Registration) -> str:
    days = public.training_days(registration.meeting)
    if not days:
        return ""
    if len(days) == 1:
        return days[0].strftime("%B %-d, %Y")
    return (
        f"{days[0].strftime('%B %-d, %Y')} to {days[-1].strftime('%B %-d, %Y')} ({len(days)} days)"
    )


def certificate_pdf(registration: Registration) -> bytes:
    meeting = registration.meeting
    starts, ends = public.daily_hours(meeting)
    attended = registration.attendances.count()
    pdf = FPDF(orientation="landscape", unit="mm", format="Letter")
    pdf.set_title(_latin1(f"Certificate of completion: {meeting.title}"))
    pdf.set_author("Crossroads")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)

    def line(text, size, style="", color=NAVY, gap=4):
        pdf.set_font("Helvetica", style, size)
        pdf.set_text_color(*color)
        pdf.multi_cell(pdf.w - 50, size * 0.5, _latin1(text), align="C", new_x="LMARGIN")
        pdf.ln(gap)

    pdf.set_left_margin(25)
    pdf.set_y(32)
    line("CERTIFICATE OF COMPLETION", 28, "B", gap=8)
    line("This certifies that", 13, color=GREY)
    line(registration.display_name, 26, "B", gap=6)
    line("completed the training", 13, color=GREY)
    line(meeting.title, 18, "B", gap=6)
    hours = f"{starts.strftime('%-I:%M %p')} to {ends.strftime('%-I:%M %p')} ({meeting.timezone})"
    line(f"{_days_text(registration)}, {hours}", 12, color=GREY, gap=2)
    if meeting.location:
        line(meeting.location, 12, color=GREY, gap=2)
    line(f"Days attended: {attended}", 12, color=GREY, gap=8)
    line(f"Organised by {meeting.organisers or meeting.task_force.name}", 13, "B", gap=2)
    completed = (
        registration.completed_at.strftime("%B %-d, %Y") if registration.completed_at else ""
    )
    line(
        f"Completed on {completed} - certificate no. {meeting.pk}-{registration.pk}", 10, color=GREY
    )
    pdf.set_y(pdf.h - 26)
    line(f"{settings.HOTLINE_NAME}: {settings.HOTLINE_PHONE}", 9, color=GREY, gap=0)
    return bytes(pdf.output())


def certificate_response(registration: Registration) -> HttpResponse:
    response = HttpResponse(certificate_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{registration.meeting_id}-{registration.pk}.pdf"'
    )
    return response
