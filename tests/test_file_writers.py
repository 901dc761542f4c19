"""The file writers are neutral: CSV and XLSX are shaped and written by config.tables, which the API's renderers
and the services, importers and admin all use, and nothing below the API imports the API."""

import ast
import datetime
import io
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from config.api.renderers import CSVRenderer, XLSXRenderer
from config.tables import basis_rows, report_table, title_block, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "parks", "enterprises", "registry")
URL_MAPS = {Path("config/urls.py"), Path("config/api/urls.py")}


def imported_modules(path: Path) -> set[str]:
    """The modules a source file imports (absolute names; relative ones resolved against its package)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base]) if base else ".".join(parent)
            names |= {base, *(f"{base}.{alias.name}" for alias in node.names)}
    return names


def below_the_api() -> list[Path]:
    """Every module of the apps and of config that is not an API module nor a URL map (nor a migration)."""
    return [path for app in APPS for path in (ROOT / app).rglob("*.py")
            if "api" not in path.relative_to(ROOT).parts and "migrations" not in path.parts
            and path.relative_to(ROOT) not in URL_MAPS]


def test_nothing_below_the_api_imports_it():
    offenders = {str(path.relative_to(ROOT)): sorted(name for name in imported_modules(path)
                                                   if name == "config.api" or name.startswith("config.api."))
                 for path in below_the_api()}
    assert {path: names for path, names in offenders.items() if names} == {}
    assert len(offenders) > 50  # the walk saw the services, importers, selectors, tasks and admin


def test_the_writers_module_imports_nothing_of_drf_nor_of_the_apps():
    names = imported_modules(ROOT / "config" / "tables.py")
    assert not {name for name in names if name.split(".")[0] in {"rest_framework", *APPS}}


def test_a_report_renders_as_the_neutral_writer_writes_it():
    class View:
        report_columns = [("name", "名称", "text"), ("n", "数量", "int"), ("money", "金额", "decimal"),
                          ("ok", "是否", "bool"), ("tags", "标签", "text")]
        report_name = "probe"

    data = {"basis": {"year": 2025, "year_chosen": "asked", "as_of": datetime.date(2025, 12, 31)},
            "results": [{"name": "=1+1", "n": "3", "money": "1.50", "ok": True, "tags": [{"label": "甲"}, "乙"]}]}
    context = {"view": View()}
    table = report_table(View.report_columns, data["results"])
    assert table == [["名称", "数量", "金额", "是否", "标签"], ["=1+1", 3, Decimal("1.50"), "是", "甲、乙"]]
    preamble = basis_rows(data["basis"])
    assert ["数据截止日期", "2025-12-31"] in preamble and ["年度选取", "按查询指定"] in preamble
    assert CSVRenderer().render(data, renderer_context=context) == write_csv(table, preamble=preamble)
    xlsx = XLSXRenderer().render(data, renderer_context=context)
    sheet = load_workbook(io.BytesIO(xlsx)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    heading = title_block(title="probe（2025年度）", when=datetime.datetime(2026, 1, 2, 3, 4, 5))
    assert rows[len(heading) + len(preamble) + 2][:4] == ["'=1+1", 3, 1.5, "是"]  # neutralised, typed
    expected = load_workbook(io.BytesIO(write_xlsx(table, preamble=preamble, title=heading))).active
    when = rows[len(heading) - 1]  # the time it was written differs; the rest is the same
    assert when[0] == "生成时间" and rows[:len(heading) - 1] + rows[len(heading):] == [
        list(row) for i, row in enumerate(expected.iter_rows(values_only=True)) if i != len(heading) - 1]
