"""The support-fund awards' XLSX / CSV import: one row per award, matched on the enterprise's credit code and the
policy's name, through the import machinery of enterprises.imports (its reading of cells, its all-or-nothing
transaction and dry run, its bulk writes with history, its scope checks).

The kind `support_awards` is registered into that machinery's column, key and importer tables when this module
loads (registry.apps), so `read_table`, `table_import` and `template` serve it; it is not one of the generic
/imports/ endpoint's kinds (enterprises.imports.KINDS): its own endpoint is /api/v1/support-awards/import/.
"""

from django.utils.translation import gettext as _

from access.scoping import CHANGE, input_choices
from enterprises.imports.base import Change, Importer, Row
from enterprises.imports.columns import CHOICE as CHOICE_KIND
from enterprises.imports.columns import CODE, COLUMNS, DATE, DECIMAL, KEY_COLUMNS, TEXT, Column, fold
from enterprises.imports.kinds import IMPORTERS
from enterprises.imports.tables import SUBJECT_TITLES
from enterprises.models import Enterprise
from enterprises.services import NO_SUCH_CREDIT_CODE

from .choices import AwardStatus
from .models import SupportAward, SupportPolicy

AWARDS = "support_awards"
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


class SupportAwardImporter(Importer):
    """Awards, matched on (policy, enterprise): new ones added, known ones updated (the bureau's right)."""

    model = SupportAward
    resolved_fields = ("policy", "enterprise")
    fields = ("status", "amount_approved", "approved_on", "amount_paid", "paid_on", "note")
    error_columns = {"enterprise": "credit_code"}
    constraint_fields = {"support_award_unique": "credit_code"}

    def preload(self, rows: list[Row]) -> None:
        """The enterprises the user may name, every policy by its folded name, and the awards the rows match."""
        codes = {row.values.get("credit_code") for row in rows} - {None}
        enterprises = input_choices(user=self.user, queryset=Enterprise.objects.filter(credit_code__in=codes))
        self.enterprises = {e.credit_code: e for e in enterprises}
        self.policies = {fold(p.name): p for p in SupportPolicy.objects.all()}
        awards = SupportAward.objects.filter(enterprise__in=list(self.enterprises.values()))
        self.existing = {(a.policy_id, a.enterprise_id): a for a in awards}
        self.changeable = self.ids_in_scope([a.pk for a in awards], CHANGE)

    def prepare(self, row: Row) -> Change | None:
        """A new award, the matched one with the row's changes, or None (unchanged or refused)."""
        code, name = self.required(row, "credit_code"), self.required(row, "policy")
        enterprise = self.enterprises.get(code) if code else None
        if code and enterprise is None:
            self.error(row, "credit_code", NO_SUCH_CREDIT_CODE)
        policy = self.policies.get(fold(name)) if name else None
        if name and policy is None:
            self.error(row, "policy", _("No policy is called %(name)s.") % {"name": name})
        if enterprise is None or policy is None:
            self.probe(row, SupportAward(), self.fields)
            return None
        if not self.first_seen(row, (policy.pk, enterprise.pk), "credit_code"):
            return None
        existing = self.existing.get((policy.pk, enterprise.pk))
        if existing is None:
            if not self.addable(row):
                return None
            obj = SupportAward(policy=policy, enterprise=enterprise)
            self.assign(row, obj, self.fields)
            self.validate(row, obj)
            return Change(row, obj)
        obj = self.updatable(row, existing, self.changeable)
        if obj is None:
            return None
        changed = self.assign(row, obj, self.fields)
        if not changed:
            self.report.unchanged += 1
            return None
        self.validate(row, obj)
        return None if row.failed else Change(row, obj, changed)


def register() -> None:
    """Register the kind into the import machinery's tables (once)."""
    COLUMNS.setdefault(AWARDS, AWARD_COLUMNS)
    KEY_COLUMNS.setdefault(AWARDS, ("credit_code", "policy"))
    IMPORTERS.setdefault(AWARDS, SupportAwardImporter)
    SUBJECT_TITLES.setdefault(AWARDS, "资金支持兑现")

