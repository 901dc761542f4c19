"""Field names in Chinese, right at their one home, the models (docs/screens-copy.md, "Field names"): the fields whose
English is also another field's msgid of another meaning are named in a context of their own, and the register forms,
the register pages' columns, the admin's columns and its exports, and the import's headers all read the model's
name. A guard keeps a register's field from borrowing another model's Chinese name for the same English."""

import csv
import io

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from enterprises.imports.columns import COLUMNS
from enterprises.models import FinancingRound, IntellectualProperty, Standard
from enterprises.register_forms import REGISTER_PAGES
from enterprises.register_views import _heading
from registry.models import PlanTask, TierSummary

from .factories import bureau_user
from .worlds import build_world

# The fields this fix named at the model: (model, field) -> their Chinese name, their English one unchanged.
FIXED = {
    (FinancingRound, "closed_on"): ("closed on", "融资日期"),
    (FinancingRound, "round_name"): ("round", "融资轮次"),
    (Standard, "title"): ("title", "标准名称"),
    (IntellectualProperty, "title"): ("title", "名称"),
    (IntellectualProperty, "granted_on"): ("granted on", "授权（登记）日期"),
    (PlanTask, "title"): ("title", "任务名称"),
    (TierSummary, "enterprises"): ("enterprises", "企业数"),
}
# The words a register's field may share with a field of another model, English and Chinese alike: they mean the
# same on every model (the enterprise it belongs to, when it was created, its status, kind, type, name, description
# level and the last day valid).
SHARED_WORDS = {"enterprise", "created", "status", "kind", "type", "name", "description", "level", "valid until"}


def names(model, field: str) -> tuple[str, str]:
    """A field's verbose name in English and in Chinese."""
    verbose_name = model._meta.get_field(field).verbose_name
    with translation.override("en"):
        english = str(verbose_name)
    with translation.override("zh-hans"):
        return english, str(verbose_name)


@pytest.mark.parametrize(("model", "field"), list(FIXED), ids=[f"{m.__name__}.{f}" for m, f in FIXED])
def test_the_fixed_fields_read_rightly_in_chinese_and_unchanged_in_english(model, field):
    assert names(model, field) == FIXED[model, field]


def test_the_other_meanings_of_the_same_english_keep_their_chinese():
    from enterprises.models import Declaration, TierDesignation
    from parks.models import Unit
    from registry.models import PlanTarget

    assert names(Unit, "closed_on")[1] == "关停日期"
    assert names(Declaration, "round")[1] == "批次"
    assert names(PlanTarget, "title")[1] == "目标名称"
    assert names(TierDesignation, "granted_on")[1] == "认定日期"


def test_the_register_forms_and_columns_read_the_models_names():
    """No register form relabels a field: each asks what the model names (the one home), and each list's column
    is headed by it."""
    with translation.override("zh-hans"):
        for page in REGISTER_PAGES:
            for name, form_field in page.form.base_fields.items():
                if name in {f.name for f in page.model._meta.get_fields()}:
                    assert str(form_field.label) == str(capfirst(page.model._meta.get_field(name).verbose_name)), (
                        page.slug, name)
        financing = next(page for page in REGISTER_PAGES if page.model is FinancingRound)
        assert [str(_heading(financing, name)) for name in financing.columns[:2]] == ["融资日期", "融资轮次"]


def test_the_import_headers_are_the_models_names_of_the_fixed_fields():
    """The import's Chinese headers (their own list) agree with the models' names of these fields."""
    subjects = {Standard: "standards", IntellectualProperty: "ip_items", FinancingRound: "financing_rounds"}
    for (model, field), (_english, chinese) in FIXED.items():
        if model in subjects:
            headers = {column.key: column.header for column in COLUMNS[subjects[model]]}
            assert headers[field] == chinese, (model.__name__, field)


@pytest.mark.django_db
def test_the_admins_columns_and_export_of_financing_rounds_read_the_models_names(client):
    world = build_world(parks=1, enterprises=1)
    record = FinancingRound.objects.create(enterprise=world.enterprise(0), closed_on="2024-03-01", amount=500,
                                           round_name="A轮")
    client.force_login(bureau_user(is_staff=True))
    url = reverse("admin:enterprises_financinground_changelist")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    start = page.index('id="result_list"')
    heads = page[start:page.index("</thead>", start)]  # the changelist's column heads
    assert "融资日期" in heads and "融资轮次" in heads and "关停日期" not in heads and "批次" not in heads
    answer = client.post(url, {"action": "export_csv", "_selected_action": [record.pk], "index": 0},
                         HTTP_ACCEPT_LANGUAGE="zh-hans")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    header = next(row for row in rows if "融资日期" in row)
    assert header[header.index("融资日期") + 1] == "融资轮次" and "关停日期" not in sum(rows, [])
    assert rows[rows.index(header) + 1][header.index("融资轮次")] == "A轮"


def register_models() -> set:
    """The registers' models: each register page's, and the records kept with them (a character's registrations)."""
    pages = {page.model for page in REGISTER_PAGES}
    return pages | {relation.related_model for model in pages for relation in model._meta.related_objects}


def project_fields():
    """Every named field of the project's models (not their history copies): (model, field, English, Chinese)."""
    for label in ("parks", "enterprises", "registry"):
        for model in apps.get_app_config(label).get_models():
            if hasattr(model, "instance_type") or model._meta.auto_created:  # history copies, m2m tables
                continue
            for field in model._meta.concrete_fields:
                if not field.auto_created:
                    yield (model, field.name, *names(model, field.name))


def test_guard_a_registers_field_shares_its_name_with_another_models_only_for_the_shared_words():
    """A register's field whose English and Chinese names are another model's field's too means the same only for
    the shared words; any other is named in a context of its own (how "closed on" read 关停日期 on a financing round,
    "granted on" 认定日期 on a patent)."""
    fields = list(project_fields())
    registers = register_models()
    assert {FinancingRound, Standard, IntellectualProperty} <= registers
    others = {}
    for model, field, english, chinese in fields:
        if model not in registers:
            others.setdefault((english, chinese), []).append(f"{model.__name__}.{field}")
    borrowed = [f"{model.__name__}.{field} {english!r} = {chinese} as {others[english, chinese]}"
                for model, field, english, chinese in fields
                if model in registers and english not in SHARED_WORDS and (english, chinese) in others]
    assert not borrowed, borrowed
