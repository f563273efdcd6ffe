"""The invoice extractor's output type and its two parsing tools.

The tools do real parsing (dates in the common written forms, amounts in European and US notation),
so the model only has to find the pieces of text; turning them into clean values is code.
"""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, Field


class LineItem(BaseModel):
    """One billed line."""

    description: str
    amount: float = Field(description="The line's amount, in the invoice currency.")


class Invoice(BaseModel):
    """The fields of an invoice, as structured data."""

    vendor: str
    invoice_number: str
    issue_date: str = Field(description="ISO date, YYYY-MM-DD.")
    currency: str = Field(description="ISO 4217 code, e.g. EUR.")
    total: float
    line_items: list[LineItem]


_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%d/%m/%Y", "%d.%m.%Y")
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "CHF": "CHF"}


def normalize_date(text: str) -> str:
    """Turn a written date into an ISO date (YYYY-MM-DD).

    Understands forms such as "14 March 2025", "March 14, 2025", "14/03/2025" (day first) and
    "14.03.2025".

    Args:
        text: The date as written in the document.
    """
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip())
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"cannot read {text!r} as a date; write it like '14 March 2025' or '2025-03-14'")


def parse_amount(text: str) -> dict[str, object]:
    """Read a money amount and its currency, in European ("€1.234,50") or US ("$1,234.50") notation.

    Args:
        text: The amount as written, with its currency symbol or code.
    """
    currency = next((code for symbol, code in _SYMBOLS.items() if symbol in text), None)
    code = re.search(r"\b([A-Z]{3})\b", text)
    if code:
        currency = code.group(1)
    digits = re.sub(r"[^\d.,]", "", text)
    if not digits:
        raise ValueError(f"no amount in {text!r}")
    if "," in digits and (digits.rfind(",") > digits.rfind(".")):
        digits = digits.replace(".", "").replace(",", ".")  # European: 1.234,50
    else:
        digits = digits.replace(",", "")  # US: 1,234.50
    return {"amount": round(float(digits), 2), "currency": currency or "unknown"}
