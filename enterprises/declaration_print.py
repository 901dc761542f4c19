"""The printable declaration (申报书): one declaration as an A4 PDF — its round, enterprise, the frozen figures of its
filing, the self-assessment under the round's rule set, answers, commitment, evidence, steps and the signatures
block — from the HTML template enterprises/declarations/print.html and the one print stylesheet
enterprises/static/enterprises/declaration-print.css, laid out by WeasyPrint in WenQuanYi Micro Hei
(docs/declarations-pdf.md). Reads only: the caller finds the declaration through its selector (its scope)."""

import re

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .declaration_forms import DeclarationForm
from .declaration_selectors import declaration_assessment, declared_tier_rows, filing_figures
from .declarations import QUESTIONS
from .evidence_selectors import evidence_of
from .models import Declaration
from .selectors import tier_reference_date

TEMPLATE = "enterprises/declarations/print.html"
STYLESHEET = "enterprises/declaration-print.css"
PDF = "application/pdf"
# Characters a file name may not carry (path separators, quotes, controls); the rest, Chinese included, stays.
UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def _no_fetch(url, *args, **kwargs):
    """WeasyPrint's URL fetcher: nothing is fetched (the stylesheet is passed in; fonts are the system's)."""
    raise ValueError(f"the declaration's PDF fetches nothing ({url[:80]})")


def print_title(declaration: Declaration) -> str:
    """The document's title, named by the round's tier: 「北京市专精特新中小企业申报书」."""
    return _("Beijing %(tier)s declaration") % {"tier": declaration.tier_label()}


def print_context(*, user, declaration: Declaration) -> dict:
    """What the 申报书 prints: the declaration (with its steps prefetched by its selector), the filing's figures as
    the review screen shows them, the declared tier's criteria rows, answers, evidence the user sees, and the basis."""
    assessment = declaration_assessment(declaration=declaration, user=user)
    filing = declaration.filing
    return {
        "declaration": declaration, "title": print_title(declaration), "enterprise": declaration.enterprise,
        "filing": filing, "figures": filing_figures(filing),
        "assessment": assessment, "tier_rows": declared_tier_rows(assessment, declaration.round.tier),
        "answers": [(DeclarationForm.base_fields[name].label, declaration.answers.get(name, "")) for name in QUESTIONS],
        "evidence": list(evidence_of(user=user, owner_name="declaration", owner=declaration)),
        "steps": list(declaration.steps.all()),
        "as_of": tier_reference_date(filing.year) if filing is not None else None,
        "printed_at": timezone.localtime(), "printed_by": user,
    }


def declaration_pdf(*, user, declaration: Declaration) -> bytes:
    """The declaration's 申报书 as PDF bytes (A4, Chinese fonts)."""
    from weasyprint import CSS, HTML  # imported when printing: it loads Pango and the fonts

    html = render_to_string(TEMPLATE, print_context(user=user, declaration=declaration))
    stylesheet = CSS(filename=finders.find(STYLESHEET), url_fetcher=_no_fetch)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(stylesheets=[stylesheet])


def pdf_filename(declaration: Declaration) -> str:
    """The download's name: title, enterprise and round, e.g. 北京市专精特新中小企业申报书-某公司-2026年第四季度.pdf."""
    parts = (print_title(declaration), declaration.enterprise.name, declaration.round.name)
    return "-".join(UNSAFE_IN_NAME.sub("_", part).strip() for part in parts) + ".pdf"


def declaration_pdf_response(*, user, declaration: Declaration) -> HttpResponse:
    """The 申报书 as an attachment under its Chinese name (RFC 5987 `filename*`), never cached by a shared cache."""
    response = HttpResponse(declaration_pdf(user=user, declaration=declaration), content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(True, pdf_filename(declaration))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
