"""Columns of the import and export tables: each field's Chinese header, how a cell is read and how it is written.

One list of columns per kind serves the import (header -> field, cell -> value), the template (headers and the
notes row) and the export (value -> cell), so an exported register imports back unchanged. A header is matched
by its Chinese text (full-width or ASCII brackets, spaces ignored) or by the field's API name.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from enterprises.choices import (
    ActivityKind,
    ChainPosition,
    ComplianceKind,
    DigitalHumanRegistrationKind,
    DigitalHumanType,
    EnterpriseStatus,
    FilingStatus,
    GuidedFund,
    IpClass,
    IpType,
    ListingBoard,
    ProductField,
    RdInstitution,
    Segment,
    SmeSector,
    StandardLevel,
    StandardRole,
    StandardStatus,
)
from enterprises.credit_code import normalise
from enterprises.models import AnnualFiling, end_after, last_day_of

TEXT, CODE, DATE, DECIMAL, INT, BOOL, CHOICE, CHOICES, REF = (
    "text", "code", "date", "decimal", "int", "bool", "choice", "choices", "ref")
# A tenancy's last day (租期至, inclusive) in the file, its exclusive end (the day after) in the record.
LAST_DAY = "last_day"
YES, NO = "是", "否"
LIST_SEPARATORS = re.compile(r"[、,，;；/|]")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class CellError(ValueError):
    """A cell that cannot be read as its column's kind of value (the message says why)."""


@dataclass(frozen=True)
class Column:
    """One column: the field (API name) it fills, its Chinese header, its kind and how to fill it in.

    `path` is what an export reads (default: the key); `imported` False marks an export-only column, accepted
    and ignored on import.
    """

    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    note: str = ""
    choices: type[models.TextChoices] | None = None
    path: str = ""
    imported: bool = True
    aliases: tuple[str, ...] = ()  # other headers read as this column (its headers before, still read on import)

    @property
    def source(self) -> str:
        """The ORM path an export reads."""
        return self.path or self.key


def fold(header: str) -> str:
    """A header as compared: full-width folded to ASCII, spaces removed, lower case."""
    text = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in str(header))
    return re.sub(r"\s+", "", text).lower()


# --- reading cells ------------------------------------------------------------------------------------------
def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number or room typed as a number
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip()


def _decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("Enter a number."))
    text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("Enter a number.")) from None
    if not number.is_finite():
        raise CellError(_("Enter a number."))
    return number


def _int(value) -> int:
    number = _decimal(value)
    if number != number.to_integral_value():
        raise CellError(_("Enter a whole number."))
    return int(number)


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(_("Enter a date as YYYY-MM-DD."))


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in {YES, "true", "yes", "y", "1", "√", "✓"}:
        return True
    if text in {NO, "false", "no", "n", "0", "×", "✗"}:
        return False
    raise CellError(_("Enter 是 (yes) or 否 (no)."))


# Chinese labels a choice had before, still read on import (files exported then): choices -> {label: value}.
FORMER_CHOICE_LABELS = {StandardStatus: {"审核通过": StandardStatus.APPROVED}}


@cache
def _choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every accepted spelling of each choice (its value, its Chinese and English labels, its former labels) -> its
    value."""
    lookup = {fold(label): value for label, value in FORMER_CHOICE_LABELS.get(choices, {}).items()}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            lookup.update({fold(str(label)): value for value, label in choices.choices})
    lookup.update({fold(value): value for value in choices.values})
    return lookup


def _choice(value, choices) -> str:
    found = _choice_lookup(choices).get(fold(_text(value)))
    if found is None:
        raise CellError(_("Unknown value %(value)s; allowed: %(allowed)s.") % {
            "value": _text(value), "allowed": "、".join(choice_labels(choices))})
    return found


def read_cell(column: Column, value):
    """The value a cell gives its column's field: None or "" when empty; CellError when it cannot be read."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return [] if column.kind == CHOICES else None
    if column.kind in (TEXT, REF):
        return _text(value)
    if column.kind == CODE:
        return normalise(_text(value))
    if column.kind == DATE:
        return _date(value)
    if column.kind == LAST_DAY:
        return end_after(_date(value))
    if column.kind == DECIMAL:
        return _decimal(value)
    if column.kind == INT:
        return _int(value)
    if column.kind == BOOL:
        return _bool(value)
    if column.kind == CHOICE:
        return _choice(value, column.choices)
    if column.kind == CHOICES:
        return [_choice(part, column.choices) for part in LIST_SEPARATORS.split(_text(value)) if part.strip()]
    raise AssertionError(column.kind)


# --- writing cells ------------------------------------------------------------------------------------------
def choice_labels(choices: type[models.TextChoices]) -> list[str]:
    """The Chinese labels of a set of choices."""
    with translation.override("zh-hans"):
        return [str(label) for label in choices.labels]


@cache
def _label_of(choices: type[models.TextChoices]) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


def write_cell(column: Column, value):
    """A field's value as a spreadsheet cell (None when empty): labels in Chinese, numbers as numbers."""
    if value is None or value == "" or value == []:
        return None
    if column.kind == CHOICE:
        return _label_of(column.choices).get(value, value)
    if column.kind == CHOICES:
        return "、".join(_label_of(column.choices).get(item, item) for item in value)
    if column.kind == BOOL:
        return YES if value else NO
    if column.kind == LAST_DAY:
        return last_day_of(value)
    return value



# --- the columns of each kind -------------------------------------------------------------------------------
def _labels_note(choices) -> str:
    return "可选：" + "、".join(choice_labels(choices))


CREDIT_CODE = Column("credit_code", "统一社会信用代码", CODE, required=True, note="必填；18位，含校验位")
TENANT_CODE = Column("credit_code", CREDIT_CODE.header, CODE, required=True, path="enterprise__credit_code",
                     note=CREDIT_CODE.note)

ENTERPRISE_COLUMNS = [
    CREDIT_CODE,
    Column("name", "企业名称", required=True, note="必填"),
    Column("short_name", "简称"),
    Column("name_en", "英文名称"),
    Column("founded", "成立日期", DATE, note="YYYY-MM-DD"),
    Column("district", "注册所在区", REF, required=True, path="district__name", note="必填；区名或6位区划代码"),
    Column("park", "入驻园区", REF, path="park__name", note="园区全称；可空"),
    Column("chain_position", "产业链层级", CHOICE, required=True, choices=ChainPosition, note="必填"),
    Column("segments", "业务板块", CHOICES, choices=Segment, note="可多选，以“、”分隔"),
    Column("status", "状态", CHOICE, choices=EnterpriseStatus, note="空：存续"),
    Column("profile", "公开简介"),
    Column("website", "网站", note="https://..."),
    Column("contact_name", "联系人"),
    Column("contact_phone", "联系电话"),
    Column("contact_email", "联系邮箱"),
]

TENANCY_COLUMNS = [
    TENANT_CODE,
    Column("enterprise_name", "企业名称", path="enterprise__name", imported=False, note="导入时不读取"),
    Column("park", "园区", REF, required=True, path="park__name", note="必填；园区全称"),
    Column("building", "楼栋", REF, required=True, path="unit__building", note="必填"),
    Column("floor", "楼层", REF, required=True, path="unit__floor", note="必填"),
    Column("room", "房间号", REF, required=True, path="unit__room", note="必填"),
    Column("area", "面积（m²）", DECIMAL, path="unit__area", imported=False, note="导入时不读取"),
    Column("start", "起租日期", DATE, required=True, note="必填；YYYY-MM-DD"),
    Column("end", "租期至", LAST_DAY, aliases=("last_day",), note="YYYY-MM-DD；租期最后一天（含当天）；空：未定"),
    Column("rent", "租金（元/m²/天）", DECIMAL, note="元/平方米·天"),
    Column("contract_number", "合同编号"),
    Column("deposit", "押金（元）", DECIMAL, note="元"),
    Column("rent_free_months", "免租期（月）", INT, note="整月数，自起租日期起算；空：无"),
]
# Headers of earlier templates still read on import (never written): 退租日期, the first day no longer let (the
# record's exclusive end), before 租期至 replaced it. Its API name `end` is read so too (docs/screens-board.md).
LEGACY_COLUMNS = {
    "tenancies": [Column("end", "退租日期", DATE, note="不再租用的第一天")],
}

# Chinese headers of the filing figures, with their units (money in 万元).
FILING_HEADERS = {
    "revenue": "营业收入（万元）", "revenue_prev": "上年营业收入（万元）", "revenue_prev2": "前年营业收入（万元）",
    "digital_human_revenue": "数字人业务收入（万元）", "main_revenue": "主营业务收入（万元）",
    "main_revenue_prev": "上年主营业务收入（万元）", "main_revenue_prev2": "前年主营业务收入（万元）",
    "rd_expense": "研发费用（万元）", "rd_expense_prev": "上年研发费用（万元）", "net_profit": "净利润（万元）",
    "equity_financing_2y": "近两年新增股权融资额（万元）", "equity_financing_3y": "近三年新增股权融资额（万元）",
    "staff": "从业人员（人）", "rd_staff": "研发人员（人）", "ip_class1": "Ⅰ类知识产权（项）",
    "ip_class1_self_developed": "Ⅰ类知识产权中自主研发（项）", "ip_class1_high_value": "Ⅰ类知识产权中高价值（项）",
    "ip_class1_applied": "Ⅰ类知识产权中实际应用并已产生经济效益（项）",
    "ip_class2": "Ⅱ类知识产权（项）", "niche_months": "从事细分市场时间（月）", "debt_ratio": "资产负债率（%）",
    "market_share": "全国细分市场占有率（%）", "market_rank": "全国细分市场排名", "sme_sector": "中小企业划型所属行业",
    "strategic_emerging": "主导产品属于战略性新兴产业", "product_field": "主导产品所属领域",
    "key_field_product": "主导产品属于重点领域（品）", "rd_institution": "研发机构级别",
    "digitalisation_level": "数字化水平（级）", "information_system": "核心业务采用信息系统支撑",
    "quality_award": "省级以上质量奖", "management_certification": "管理体系认证",
    "product_certification": "产品通过发达国家和地区认证", "own_brand": "拥有自主品牌",
    "competitive_brand": "拥有具有竞争优势的自主品牌",
    "standard_drafting": "参与制修订标准", "st_award": "近三年获国家级或省级科技奖励",
    "st_award_ranked": "近三年科技奖励排名靠前", "honour": "拥有有效期内荣誉（高新技术企业等）",
    "maker_contest": "近三年进入创客中国全国500强", "innovation_fast_track": "满足专精特新“小巨人”企业创新直通条件",
    "local_score": "特色化指标得分（分）",
}
# Headers a filing column had before, still read on import: the tier by a name it no longer has (one name per tier,
# docs/screens-assessment.md).
FORMER_FILING_HEADERS = {"innovation_fast_track": ("满足小巨人创新直通条件",)}
_FILING_CHOICES = {"sme_sector": SmeSector, "product_field": ProductField, "rd_institution": RdInstitution}


def _filing_column(name: str) -> Column:
    field = AnnualFiling._meta.get_field(name)
    if name in _FILING_CHOICES:
        return Column(name, FILING_HEADERS[name], CHOICE, choices=_FILING_CHOICES[name],
                      note=_labels_note(_FILING_CHOICES[name]))
    if isinstance(field, models.BooleanField):
        return Column(name, FILING_HEADERS[name], BOOL, note="是/否；空：否",
                      aliases=FORMER_FILING_HEADERS.get(name, ()))
    if isinstance(field, models.DecimalField):
        note = "万元" if "万元" in FILING_HEADERS[name] else "%"
        if name in AnnualFiling.required_on_submit:
            note = f"必填；{note}"
        return Column(name, FILING_HEADERS[name], DECIMAL, note=note)
    required = name in AnnualFiling.required_on_submit
    return Column(name, FILING_HEADERS[name], INT, note="必填；整数" if required else "整数；空：0")


# The figures of a filing (every field but the review workflow's), in the model's order.
FILING_FIGURES = AnnualFiling.figure_names()

FILING_COLUMNS = [
    TENANT_CODE,
    Column("enterprise_name", "企业名称", path="enterprise__name", imported=False, note="导入时不读取"),
    Column("year", "年度", INT, required=True, note="必填；数据所属年度"),
    Column("status", "审核状态", CHOICE, choices=FilingStatus, imported=False, note="导入时不读取"),
    Column("revision", "版本", INT, imported=False, note="导入时不读取"),
    *(_filing_column(name) for name in FILING_FIGURES),
]

# The enterprise's own registers (docs/registers-enterprise.md): each row names its enterprise by credit code.
ENTERPRISE_NAME = Column("enterprise_name", "企业名称", path="enterprise__name", imported=False, note="导入时不读取")
STANDARD_COLUMNS = [
    TENANT_CODE, ENTERPRISE_NAME,
    Column("number", "标准编号", required=True, note="必填；如 GB/T 12345-2024"),
    Column("title", "标准名称", required=True, note="必填"),
    Column("level", "标准级别", CHOICE, required=True, choices=StandardLevel,
           note="必填；" + _labels_note(StandardLevel)),
    Column("role", "企业角色", CHOICE, required=True, choices=StandardRole,
           note="必填；" + _labels_note(StandardRole)),
    Column("status", "标准状态", CHOICE, choices=StandardStatus, note="空：制定中；" + _labels_note(StandardStatus)),
    Column("started_on", "立项日期", DATE, note="YYYY-MM-DD"),
    Column("approved_on", "批准日期", DATE, note="YYYY-MM-DD；已批准时必填"),
    Column("published_on", "发布日期", DATE, note="YYYY-MM-DD；已发布时必填"),
    Column("co_drafters", "其他起草单位"),
]
IP_COLUMNS = [
    TENANT_CODE, ENTERPRISE_NAME,
    Column("type", "知识产权类型", CHOICE, required=True, choices=IpType, note="必填；" + _labels_note(IpType)),
    Column("number", "专利号或登记号", required=True, note="必填"),
    Column("ip_class", "类别", CHOICE, choices=IpClass, imported=False, note="导入时不读取；由类型决定"),
    Column("title", "名称", required=True, note="必填"),
    Column("granted_on", "授权（登记）日期", DATE, required=True, note="必填；YYYY-MM-DD"),
    Column("expires_on", "有效期至", DATE, note="YYYY-MM-DD；有效的最后一天；空：仍有效"),
    Column("self_developed", "自主研发", BOOL, note="是/否；仅Ⅰ类；空：否"),
    Column("high_value", "高价值", BOOL, note="是/否；仅Ⅰ类；空：否"),
    Column("applied", "已实际应用并产生经济效益", BOOL, note="是/否；仅Ⅰ类；空：否"),
]
FINANCING_COLUMNS = [
    TENANT_CODE, ENTERPRISE_NAME,
    Column("closed_on", "融资日期", DATE, required=True, note="必填；YYYY-MM-DD"),
    Column("round_name", "融资轮次", required=True, note="必填；如 天使轮、A轮"),
    Column("amount", "融资金额（万元）", DECIMAL, required=True, note="必填；万元"),
    Column("lead_investor", "领投方"),
    Column("equity", "股权融资", BOOL, note="是/否；空：是"),
    Column("guided_fund", "政府引导基金", CHOICE, choices=GuidedFund, note="空：无；" + _labels_note(GuidedFund)),
]
LISTING_COLUMNS = [
    TENANT_CODE, ENTERPRISE_NAME,
    Column("board", "上市（挂牌）板块", CHOICE, required=True, choices=ListingBoard,
           note="必填；" + _labels_note(ListingBoard)),
    Column("listed_on", "上市（挂牌）日期", DATE, required=True, note="必填；YYYY-MM-DD"),
    Column("stock_code", "证券代码"),
    Column("delisted_on", "退市（摘牌）日期", DATE, note="YYYY-MM-DD；空：仍在板"),
]
ACTIVITY_COLUMNS = [
    TENANT_CODE, ENTERPRISE_NAME,
    Column("kind", "活动类型", CHOICE, required=True, choices=ActivityKind,
           note="必填；" + _labels_note(ActivityKind)),
    Column("held_on", "日期", DATE, required=True, note="必填；举办、认定、推荐或签约日期 YYYY-MM-DD"),
    Column("title", "名称", required=True, note="必填；活动、项目或计划的名称"),
    Column("partner", "合作方", note="高校、主办方、计划或国家（地区）"),
    Column("people", "人数", INT, note="整数；认定的人才或培养的学员人数，不填姓名等个人信息；领军人才认定必填"),
    Column("notes", "备注"),
]

COLUMNS = {"enterprises": ENTERPRISE_COLUMNS, "tenancies": TENANCY_COLUMNS, "filings": FILING_COLUMNS,
           "standards": STANDARD_COLUMNS, "ip_items": IP_COLUMNS, "financing_rounds": FINANCING_COLUMNS,
           "listings": LISTING_COLUMNS,
           "activities": ACTIVITY_COLUMNS}
# Columns that name the record a row is matched on: a file without one of them is refused as a whole.
KEY_COLUMNS = {
    "enterprises": ("credit_code",),
    "tenancies": ("credit_code", "park", "building", "floor", "room", "start"),
    "filings": ("credit_code", "year"),
    "standards": ("credit_code", "number"),
    "ip_items": ("credit_code", "type", "number"),
    "financing_rounds": ("credit_code", "closed_on", "round_name"),
    "listings": ("credit_code", "board", "listed_on"),
    "activities": ("credit_code", "kind", "held_on", "title"),
}

# Compliance filings (docs/registers-compliance.md): matched on the enterprise, the kind, the service and the day filed.
COMPLIANCE_COLUMNS = [
    TENANT_CODE, ENTERPRISE_NAME,
    Column("kind", "备案类型", CHOICE, required=True, choices=ComplianceKind,
           note="必填；" + _labels_note(ComplianceKind)),
    Column("service_name", "备案服务（算法）名称", required=True, note="必填"),
    Column("filed_on", "备案日期", DATE, required=True, note="必填；YYYY-MM-DD"),
    Column("number", "备案编号", note="算法备案必填；如 网信算备110108000000000000001号"),
    Column("valid_until", "有效期至", DATE, note="YYYY-MM-DD；有效的最后一天；空：长期有效"),
    Column("cancelled_on", "注销日期", DATE, note="YYYY-MM-DD；自该日起不再有效；空：未注销"),
]
COLUMNS["compliance"] = COMPLIANCE_COLUMNS
KEY_COLUMNS["compliance"] = ("credit_code", "kind", "service_name", "filed_on")

# Virtual characters (docs/registers-enterprise.md): one row per registration, the rows of a character (credit code
# and name) written together; a character without registrations is one row with the registration columns empty.
CHARACTER_COLUMNS = [
    TENANT_CODE, ENTERPRISE_NAME,
    Column("name", "角色名称", required=True, note="必填；同一企业同一名称的各行为同一角色"),
    Column("dh_type", "类型", CHOICE, required=True, choices=DigitalHumanType,
           note="必填；同一角色各行相同；" + _labels_note(DigitalHumanType)),
    Column("launched_on", "上线日期", DATE, note="YYYY-MM-DD；同一角色各行相同"),
    Column("kind", "登记类型", CHOICE, choices=DigitalHumanRegistrationKind, path="registrations__kind",
           note="每行一项登记；无登记时三列均空；" + _labels_note(DigitalHumanRegistrationKind)),
    Column("number", "登记号", path="registrations__number", note="有登记时必填"),
    Column("registered_on", "登记日期", DATE, path="registrations__registered_on", note="有登记时必填；YYYY-MM-DD"),
]
COLUMNS["characters"] = CHARACTER_COLUMNS
KEY_COLUMNS["characters"] = ("credit_code", "name")
