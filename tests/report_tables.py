"""Reading a report's CSV or XLSX back: its header block (the basis, label-value rows) above one empty row, then the
table (the header row first)."""


def split_report(rows: list[list]) -> tuple[dict, list[list]]:
    """The header block as label -> value, and the table under it (rows as read: CSV text or XLSX cells)."""
    rows = [list(row) for row in rows]
    gap = next(i for i, row in enumerate(rows) if not any(cell not in (None, "") for cell in row))
    return {row[0]: row[1] for row in rows[:gap]}, rows[gap + 1:]


def figures(answer: dict) -> dict:
    """A report's JSON answer without the data version it was read at (which every write moves on): what it says."""
    basis = answer.get("basis")
    return {**answer, "basis": {k: v for k, v in basis.items() if k != "data_version"}} if basis else answer
