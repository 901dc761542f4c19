"""Statistical disclosure control of the reports: small cells hide their money sums outside the bureau."""

from django.conf import settings

from access.scoping import user_scope


def hide_small_cells(*, rows, user, count: str, money: tuple[str, ...]):
    """Blank (None) the money sums of rows whose `count` of enterprises is below SMALL_CELL_MIN, unless the user
    is bureau staff: a sum over one or two enterprises would disclose their figures. Rows are dicts or objects;
    they are changed in place and returned."""
    if user_scope(user).bureau:
        return rows
    for row in rows:
        is_dict = isinstance(row, dict)
        counted = row[count] if is_dict else getattr(row, count)
        if counted < settings.SMALL_CELL_MIN:
            for name in money:
                if is_dict:
                    row[name] = None
                else:
                    setattr(row, name, None)
    return rows
