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


def pdf_fonts(content: bytes) -> set[str]:
    """The names of the fonts the PDF's pages use (subset prefixes kept, e.g. ABCDEF+WenQuanYi-Micro-Hei)."""
    reader = PdfReader(io.BytesIO(content))
    return {str(font.get_object()["/BaseFont"]) for page in reader.pages
            for font in page["/Resources"].get_object().get("/Font", {}).values()}
