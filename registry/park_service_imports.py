"""The park services as a kind of the one import (enterprises.imports): one row per service, naming its park by
name, matched on the park, the title and the first day offered (the database's `park_service_unique`).

The parks app sits below the import machinery (enterprises) and may not import it (tests/test_layers.py), so
RegistryConfig.ready() adds the kind with `enterprises.imports.kind_register`, as the support awards'
(registry.fund_imports): `/api/v1/imports/` (dry run, all or nothing, a file job past IMPORT_SYNC_MAX_ROWS), its
template and exports, the file jobs and the import page serve it. A row's park is looked up among the parks the
importer sees, as a tenancy row's: another park is refused with the words of a park that does not exist; a matched
service is changed as park_service_save allows (its park's administrators, the bureau), a new one added as the
model's ADD scope allows, and the rows written are checked against the scope afterwards (docs/park-services.md).
"""

from django.utils.translation import gettext as _

from access.scoping import CHANGE, input_choices
from enterprises.imports import kind_register
from enterprises.imports.base import Change, Importer, Row
from enterprises.imports.columns import BOOL, CHOICE, DATE, REF, Column, fold
from parks.choices import ParkServiceKind
from parks.models import Park, ParkService

from .choices import FileSubject

PARK_SERVICES = FileSubject.PARK_SERVICES.value
SERVICE_COLUMNS = [
    Column("park", "园区名称", REF, required=True, path="park__name", note="必填；园区全称"),
    Column("title", "服务名称", required=True, note="必填；同一园区同一名称同一开始日期为同一项服务"),
    Column("kind", "服务类型", CHOICE, required=True, choices=ParkServiceKind, note="必填"),
    Column("offered_from", "开始提供日期", DATE, required=True, note="必填；YYYY-MM-DD"),
    Column("offered_until", "停止提供日期", DATE, note="YYYY-MM-DD；自该日起不再提供；空：仍在提供"),
    Column("description", "服务内容"),
    Column("contact", "服务联系方式", note="服务窗口的办公电话或邮箱，不填个人手机号"),
    Column("public", "在公开名录中展示", BOOL, note="是/否；空：是"),
]


class ParkServiceImporter(Importer):
    """Park services, matched on the park (by name), the title and the first day offered: new ones added, the
    other fields of known ones updated."""

    model = ParkService
    resolved_fields = ("park",)
    fields = ("kind", "offered_until", "description", "contact", "public")

    def preload(self, rows: list[Row]) -> None:
        """The parks the user sees, by folded name; the services of those the rows name; which may be changed."""
        self.parks = {fold(park.name): park for park in input_choices(user=self.user, queryset=Park.objects.all())}
        named = {self.parks[fold(row.values["park"])].pk for row in rows
                 if row.values.get("park") and fold(row.values["park"]) in self.parks}
        services = list(ParkService.objects.filter(park_id__in=named))
        self.existing = {(s.park_id, s.title, s.offered_from): s for s in services}
        self.changeable = self.ids_in_scope([s.pk for s in services], CHANGE)

    def prepare(self, row: Row) -> Change | None:
        """A new service, the matched one with the row's changes, or None (unchanged or refused)."""
        park_name, title, start = (self.required(row, name) for name in ("park", "title", "offered_from"))
        park = self.parks.get(fold(park_name)) if park_name else None
        if park_name and park is None:
            self.error(row, "park", _("No park you may see is called %(name)s.") % {"name": park_name})
        if park is None or title is None or start is None:
            self.probe(row, ParkService(), self.fields)
            return None
        key = (park.pk, title, start)
        if not self.first_seen(row, key, "offered_from"):
            return None
        return self.add_or_change(row, existing=self.existing.get(key), fields=self.fields,
                                  new=lambda: ParkService(park=park, title=title, offered_from=start))


def register() -> None:
    """Add the kind to the one import (once), offered on the import page to those who may add services."""
    kind_register(kind=PARK_SERVICES, columns=SERVICE_COLUMNS, key_columns=("park", "title", "offered_from"),
                  importer=ParkServiceImporter, title="园区服务", on_page=True,
                  export=lambda: ParkService.objects.order_by("park__name", "offered_from", "title", "pk"),
                  notes=("同一园区、服务名称和开始提供日期的服务按行更新，其余新增；园区管理员只能导入本园区的服务。",))
