"""The support awards as a kind of the one import (enterprises.imports): one row per award, matched on the
enterprise's credit code and the policy's name.

The importer is a register's (enterprises.imports.registers.RegisterImporter: the enterprise by credit code, the
record matched on its key, added or updated as the scope allows), the policy's name resolved to the policy first.
The enterprises app may not import the registry's models (tests/test_layers.py), so RegistryConfig.ready() adds the
kind with `enterprises.imports.kind_register`: from then on `/api/v1/imports/` (dry run, all or nothing, a file job
past IMPORT_SYNC_MAX_ROWS, the file-job throttle), its template and exports, and the import page serve it.
"""

from django.utils.translation import gettext as _

from enterprises.imports import kind_register
from enterprises.imports.base import Change, Row
from enterprises.imports.columns import CHOICE as CHOICE_KIND
from enterprises.imports.columns import CODE, DATE, DECIMAL, TEXT, Column, fold
from enterprises.imports.registers import RegisterImporter

from .choices import AwardStatus, FileSubject
from .models import SupportAward, SupportPolicy

AWARDS = FileSubject.SUPPORT_AWARDS.value
AWARD_COLUMNS = [
    Column("credit_code", "统一社会信用代码", CODE, required=True, note="18位", path="enterprise__credit_code"),
    Column("enterprise_name", "企业名称", TEXT, path="enterprise__name", imported=False),
    Column("policy", "政策名称", TEXT, required=True, note="与已登记的政策名称一致", path="policy__name"),
    Column("status", "状态", CHOICE_KIND, choices=AwardStatus, note="申请中、已核定、已拨付或已撤销；空为申请中"),
    Column("amount_approved", "核定金额（万元）", DECIMAL, note="万元，两位小数"),
    Column("approved_on", "核定日期", DATE, note="如2024-05-01"),
    Column("amount_paid", "拨付金额（万元）", DECIMAL, note="万元，不超过核定金额"),
    Column("paid_on", "拨付日期", DATE, note="已拨付时必填"),
    Column("note", "备注", TEXT),
]


class SupportAwardImporter(RegisterImporter):
    """Awards, matched on the enterprise and the policy (named in the row, resolved to its id): new ones added,
    known ones updated (the bureau's right)."""

    model = SupportAward
    key = ("policy",)
    fields = ("status", "amount_approved", "approved_on", "amount_paid", "paid_on", "note")
    resolved_fields = ("policy", "enterprise")

    def preload(self, rows: list[Row]) -> None:
        """Every policy by its folded name, then the register's enterprises and awards."""
        self.policies = {fold(policy.name): policy.pk for policy in SupportPolicy.objects.all()}
        super().preload(rows)

    def key_of(self, enterprise_id: int, values) -> tuple:
        """(enterprise, policy id) of an award or of a row's values."""
        return (enterprise_id, values.get("policy") if isinstance(values, dict) else values.policy_id)

    def prepare(self, row: Row) -> Change | None:
        """The row's policy name as the policy's id (an error when no policy has it), then the register's match."""
        name = row.values.get("policy")
        if name is not None:
            row.values["policy"] = self.policies.get(fold(name))
            if row.values["policy"] is None:
                self.error(row, "policy", _("No policy is called %(name)s.") % {"name": name})
        return super().prepare(row)


def register() -> None:
    """Add the kind to the one import (once), offered on the import page."""
    kind_register(kind=AWARDS, columns=AWARD_COLUMNS, key_columns=("credit_code", "policy"),
                  importer=SupportAwardImporter, title="资金支持兑现", on_page=True,
                  export=lambda: SupportAward.objects.order_by("enterprise__credit_code", "policy__name", "pk"))
