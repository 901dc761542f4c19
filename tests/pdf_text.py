"""Reading a PDF back in tests: its text with pypdf (Chinese included, through the fonts' ToUnicode maps)."""

import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> tuple[str, int]:
    """The PDF's text (every page, in order) and its number of pages."""
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def flat(text: str) -> str:
    """The text without whitespace (a table cell may wrap a long value over lines)."""
    return "".join(text.split())
