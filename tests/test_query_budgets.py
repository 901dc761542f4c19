"""Query budgets: every endpoint's queries per request are measured here against their locks, and do not grow with
the page or the data.

tests/budgets.py holds, for each URL name of the `api` namespace and each HTTP method it implements, the exact
number of queries one request makes as bureau staff signed in by token. Every count is measured in two worlds
(tests/budget_world.py, scale 1 and scale 3): lists with pages of 5 and of 50; endpoints of a record on a sparse
and on a rich one (1 against 6 tenancies, filings, designations, partners, history rows); reports, valid writes
and the web pages once in each. Its SCOPED_BUDGETS lock the park administrator's and the enterprise user's counts
on the lists and reports, which show them more as the world grows. The cache is emptied before every measurement:
a budget is a cold request's. A request that starts a Celery job is measured up to its answer: it reaches the
broker, and its task, sent once the transaction commits, is never sent (the test's transaction is rolled back). A
streamed body is read inside the count. When a count changes, the failure lists every query of the request: fix
the N+1, or lock the new count."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.choices import ChainPosition, EvidenceKind
from enterprises.imports import KINDS
from registry.choices import DigitalHumanKind, LabKind, PlatformDomain, ProjectField, TargetMetric

from .api_base import as_written
from .budget_world import YEAR, build_budget_world
from .budgets import BUDGETS, IMPORT_JOB_QUERIES, PAGE_BUDGETS, SCOPED_BUDGETS
from .endpoints import api_endpoints
from .factories import REGISTER_BODIES, credit_code

PAGE_RECORDS = {"enterprise-profile": "enterprise", "filing-create": "enterprise", "filing-edit": "annualfiling",
                "registers": "enterprise"}
# Pages of a record with more arguments: URL name -> (basename of the record, the arguments after its id).
PAGE_ARGS = {"register-list": ("enterprise", ["characters"]), "register-add": ("enterprise", ["characters"])}


SCALES = (1, 3)
PAGE_SIZES = (5, 50)
# Endpoints computed over every row in scope, not paged; and paged reports (lists beside the `-list` names).
COMPUTED = {"report-plan-progress", "report-districts", "report-declarations", "import-template", "export-csv",
            "report-plan-board", "report-support-funds", "supportaward-import-template"}
PAGED_REPORTS = {"report-tier-summary", "report-tier-candidates", "report-plan-progress-records", "report-parks",
                 "report-compliance-gaps"}
QUERY = {"report-plan-progress": {"year": YEAR}, "report-districts": {"year": YEAR}, "report-tier-summary":
         {"year": YEAR}, "report-tier-candidates": {"year": YEAR}, "report-plan-progress-records": {"year": YEAR},
         "report-parks": {"as_of": f"{YEAR}-10-15"}, "report-plan-board": {"year": YEAR},
         "report-support-funds": {"year": YEAR},
         "report-compliance-gaps": {"kind": "deep_synthesis", "as_of": f"{YEAR}-10-15"}}
# The addresses of an endpoint without a record that takes path arguments: each is measured.
PATH_ARGS = {"report-plan-progress-records": [["labs"], ["scale"]], "import-template": [[kind] for kind in KINDS],
             "export-csv": [[kind] for kind in KINDS]}
# Endpoints of a record that answer a page of rows (a park's lists in the park report).
PAGED_OF_RECORD = {"report-park-tenancies-ending", "report-park-tenants-not-filed"}
# The basename of the record an endpoint of a record addresses, where its URL name does not say it.
RECORD_OF = {"enterprise-assessment": "enterprise", "park-occupancy": "park", "district-occupancy": "district",
             "export-file": "export", "report-park-tenancies-ending": "park", "report-park-tenants-not-filed": "park"}
# Each filing action's filing; the other filing endpoints write the draft.
FILING_OF = {"submit": "draft", "approve": "submitted", "return": "submitted", "revise": "approved"}


def without_record(name: str) -> bool:
    """Whether a GET of `name` addresses no record (a list or a report)."""
    return name.endswith("-list") or name in PAGED_REPORTS | COMPUTED


def gets(*, of_record: bool) -> list[str]:
    """The URL names with a GET budget: those of a record, or those without one."""
    return sorted(n for n, methods in BUDGETS.items() if "get" in methods and without_record(n) != of_record)


def writes() -> list[tuple[str, str]]:
    """(URL name, method) of every write with a budget."""
    return sorted((n, m) for n, methods in BUDGETS.items() for m in methods if m != "get")


# --- fixtures ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=SCALES, ids=[f"scale{s}" for s in SCALES])
def world(request, django_db_setup, django_db_blocker):
    """The world at one scale, built once for the module in a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_budget_world(request.param)
        transaction.set_rollback(True)


@pytest.fixture
def w(world, db):
    """The world for one test: the test's savepoint undoes its writes."""
    return world


@pytest.fixture(autouse=True)
def _no_job_limit(settings):
    """The worlds hold jobs of the bureau's still pending: the budgets measure starting one more, not the refusal
    past FILE_JOB_MAX_ACTIVE (tests/security/test_hygiene.py)."""
    settings.FILE_JOB_MAX_ACTIVE = 1000


@pytest.fixture(autouse=True)
def _cold_cache():
    """Budgets are measured with an empty cache (no cached report or throttle state helps a request)."""
    cache.clear()


# --- requests ------------------------------------------------------------------------------------------------------
def measure(send, *args, **kwargs):
    """The response of `send(*args, **kwargs)` and the SQL of every query it made (a streamed body read inside the
    count)."""
    cache.clear()  # again: a PUT reads its record before the measured request
    with CaptureQueriesContext(connection) as captured:
        response = send(*args, **kwargs)
        if response.streaming:
            b"".join(response.streaming_content)
    return response, [query["sql"] for query in captured.captured_queries]


def check(response, queries: list[str], budget: int, what: str) -> None:
    """The request succeeded and made exactly `budget` queries (else every query is shown)."""
    assert response.status_code < 300, f"{what}: {response.status_code} {getattr(response, 'data', '')}"
    listing = "\n".join(f"  {sql[:300]}" for sql in queries)
    assert len(queries) == budget, f"{what}: {len(queries)} queries, budget {budget}:\n{listing}"


def record_path(w, name: str, which: int) -> str:
    """Address of a GET of an endpoint of a record: of the sparse (0) or the rich (1) one."""
    basename = RECORD_OF.get(name) or name.rpartition("-")[0].removeprefix("public-")
    return reverse(f"api:{name}", args=[w.pairs[basename][which].pk])


def create_body(w, basename: str) -> dict:
    """A valid body creating a record in the first cluster."""
    (unit, _), (sparse, rich) = w.pairs["unit"], w.pairs["enterprise"]
    park, district = w.pairs["park"][1], w.pairs["district"][1]
    return {
        "district": lambda: {"code": "110106", "name": "丰台区"},
        "park": lambda: {"name": "新数字人园区", "district": district.pk},
        "unit": lambda: {"park": park.pk, "building": "B", "floor": "2", "room": "201", "area": "50.00"},
        "parkmembership": lambda: {"user": w.users["newcomer"].pk, "park": park.pk},
        "enterprise": lambda: {"credit_code": credit_code(98765001), "name": "新数字人科技有限公司",
                               "district": district.pk, "park": park.pk, "chain_position": ChainPosition.APPLICATION},
        "tenancy": lambda: {"unit": unit.pk, "enterprise": sparse.pk, "start": "2025-01-01"},
        "enterprisemembership": lambda: {"user": w.users["newcomer"].pk, "enterprise": rich.pk},
        "lab": lambda: {"name": "新联合实验室", "kind": LabKind.JOINT_LAB, "host": rich.pk, "park": park.pk},
        "platform": lambda: {"name": "新渲染平台", "domain": PlatformDomain.CLOUD_RENDERING, "operator": rich.pk,
                             "park": park.pk},
        "benchmarkproject": lambda: {"name": "新标杆项目", "field": ProjectField.FINANCE, "dh_kind":
                                     DigitalHumanKind.SERVICE, "lead": rich.pk, "partners": [sparse.pk],
                                     "park": park.pk, "year": 2025},
        "plantarget": lambda: {"plan": "测试计划", "code": "new-target", "title": "新目标", "metric": TargetMetric.LABS,
                               "goal": "5", "year": 2025},
        "annualfiling": lambda: {"enterprise": sparse.pk, "year": 2020, "revenue": "900.00",
                                 "digital_human_revenue": "300.00", "main_revenue": "800.00", "rd_expense": "50.00",
                                 "net_profit": "20.00", "staff": 30, "rd_staff": 10, "debt_ratio": "35.00"},
        "tierdesignation": lambda: {"enterprise": sparse.pk, "tier": "specialised", "year": 2025,
                                    "granted_on": "2025-06-30"},
        "reportrun": lambda: {"year": YEAR - 1},
        "filingseason": lambda: {"year": 2018, "opens": "2019-01-01", "closes": "2019-06-30"},
        "import": lambda: {"kind": "tenancies", "file": SimpleUploadedFile("tenancies.csv", (
            "统一社会信用代码,园区,楼栋,楼层,房间号,起租日期\n"
            f"{sparse.credit_code},{park.name},{unit.building},{unit.floor},{unit.room},2025-01-01\n").encode())},
        "export": lambda: {"subject": "enterprises", "file_format": "xlsx"},
        "declarationround": lambda: {"name": "新批次", "tier": "innovative", "rule_set": "2026", "cadence": "monthly",
                                     "opens": "2030-01-01", "closes": "2030-01-31", "review_starts": "2030-02-01"},
        "declaration": lambda: {"round": w.rounds["open"].pk, "enterprise": w.declarations["declarable"].pk,
                                "filing": w.declarations["declarable"].filings.get().pk,
                                "answers": {"main_product": "数字人引擎"}},
        "objection": lambda: {"declaration": w.pairs["objection"][0].declaration_id, "received_on": "2026-01-05",
                              "objector": "异议人", "text": "测试异议"},
        "evidencefile": lambda: {"tenancy": w.pairs["tenancy"][0].pk, "kind": EvidenceKind.CONTRACT_SCAN,
                                 "file": SimpleUploadedFile("合同.pdf", b"%PDF-1.4 scan")},
        "plantask": lambda: {"plan": "测试计划", "number": 1, "title": "新任务"},
        "supportpolicy": lambda: {"name": "新支持政策", "issuer": "北京市经济和信息化局",
                                  "task": w.pairs["plantask"][1].pk, "year": YEAR, "budget": "100.00"},
        "supportaward": lambda: {"policy": w.pairs["supportpolicy"][0].pk, "enterprise": rich.pk,
                                 "status": "approved", "amount_approved": "20.00", "approved_on": f"{YEAR}-03-01"},
        **{name: (lambda body=body: {**body, "enterprise": sparse.pk}) for name, body in REGISTER_BODIES.items()},
        "parkservice": lambda: {"park": park.pk, "kind": "training", "title": "预算培训", "offered_from": "2025-01-01"},
    }[basename]()


# A valid PATCH body per basename (a membership's: its user becomes the newcomer).
PATCHES = {
    "district": {"plan_role": "金融与创作者经济"}, "park": {"focus": "数字人内容创作"}, "unit": {"area": "120.00"},
    "enterprise": {"short_name": "甲新"}, "tenancy": {"end": "2026-01-01"}, "lab": {"focus": "数字人驱动"},
    "platform": {"services": "云端渲染服务"}, "benchmarkproject": {"summary": "金融服务数字人"},
    "plantarget": {"goal": "12"}, "annualfiling": {"revenue": "11000.00"}, "tierdesignation": {"batch": "2024年第二批"},
    "filingseason": {"closes": "2021-06-30"}, "declarationround": {"name": "改名的批次"},
    "declaration": {"answers": {"innovation": "自研驱动算法"}},
    "plantask": {"description": "支持生产工具研发"}, "supportpolicy": {"budget": "600.00"},
    "supportaward": {"note": "已补充材料"},
    "standard": {"co_drafters": "某标准化研究院"}, "intellectualproperty": {"title": "数字人唇形驱动方法"},
    "digitalhumanip": {"description": "金融服务数字人"}, "financinground": {"lead_investor": "某创投"},
    "listing": {"stock_code": "873001"},
    "parkservice": {"description": "每月一期"},  # branch parksvc
    "compliancefiling": {"service_name": "数字人播报服务（升级版）"},
    "industryactivity": {"people": 3},  # branch activities
}
# Each declaration step's declaration (the first cluster's in the state it starts from) and body; the
# enterprise's own steps are measured as its user (the bureau signs no commitment).
DECLARATION_STEPS = {
    "sign": (lambda w: w.pairs["declaration"][0], None), "submit": (lambda w: w.pairs["declaration"][0], None),
    "recommend": (lambda w: w.declarations["review"], None),
    "return": (lambda w: w.declarations["review"], {"reason": "请补充"}),
    "reject": (lambda w: w.declarations["review"], {"reason": "不符合"}),
    "approve": (lambda w: w.pairs["declaration"][1], {"score": "88.00", "opinion": "同意"}),
    "designate": (lambda w: w.declarations["ended"], {"certificate_number": "预算-1"}),
}
WRITER = {"declaration-sign": "enterprise_user"}


def write_request(w, name: str, method: str) -> tuple[str, dict | None, str]:
    """Path, body and format of a valid write of `name` by the bureau."""
    basename, _, kind = name.rpartition("-")
    if name == "invitation":
        return reverse("api:invitation"), {"username": "invitee", "email": "invitee@example.com",
                                           "park": w.pairs["park"][1].pk}, "json"
    if name == "logout":
        return reverse("api:logout"), None, "json"
    if name == "supportaward-import-file":  # the rich enterprise's award under the spare policy
        return reverse(f"api:{name}"), {"file": SimpleUploadedFile("awards.csv", (
            "统一社会信用代码,政策名称,状态,核定金额（万元）,核定日期\n"
            f"{w.pairs['enterprise'][1].credit_code},{w.pairs['supportpolicy'][0].name},已核定,20,{YEAR}-03-01\n"
        ).encode())}, "multipart"
    if name == "token":
        return reverse("api:token"), {"username": w.users["bureau"].username, "password": "pw"}, "json"
    if kind == "list":
        return reverse(f"api:{name}"), create_body(w, basename), "multipart" if basename in ("import", "evidencefile") \
            else "json"
    if basename == "declaration" and kind in DECLARATION_STEPS:
        declaration, body = DECLARATION_STEPS[kind]
        return reverse(f"api:{name}", args=[declaration(w).pk]), body, "json"
    if name == "notification-read":
        return reverse(f"api:{name}", args=[w.pairs["notification"][0].pk]), None, "json"
    if name == "notification-read-all":
        return reverse(f"api:{name}"), None, "json"
    if name == "declarationround-close":
        return reverse(f"api:{name}", args=[w.rounds["open"].pk]), None, "json"
    if name == "objection-decide":
        return reverse(f"api:{name}", args=[w.pairs["objection"][0].pk]), {"upheld": False, "reason": "不成立"}, "json"
    if basename == "annualfiling" and kind in FILING_OF:  # a filing action, on its filing
        body = {"reason": "数据有误"} if kind == "return" else None
        return reverse(f"api:{name}", args=[w.filings[FILING_OF[kind]].pk]), body, "json"
    if method == "delete":
        return reverse(f"api:{name}", args=[w.spare.get(basename, w.pairs[basename][0]).pk]), None, "json"
    target = w.filings["draft"] if basename == "annualfiling" else w.pairs[basename][0]
    path = reverse(f"api:{name}", args=[target.pk])
    change = {"user": w.users["newcomer"].pk} if basename.endswith("membership") else PATCHES[basename]
    if method == "put":  # the whole record as read, written back with the PATCH's change (unchanged, it saves nothing)
        record = w.clients["bureau"].get(path).data
        if basename == "declaration":  # its answers are a JSON object, its steps read-only
            record = {name: record[name] for name in ("round", "enterprise", "filing")}
            return path, {**{key: as_written(value) for key, value in record.items()}, **change}, "json"
        nested = {"registrations"} if basename == "digitalhumanip" else set()  # written back as read, not as ids
        return path, {**{key: value if key in nested else as_written(value) for key, value in record.items()},
                      **change}, "json"
    return path, change, "json"


# --- the tests -----------------------------------------------------------------------------------------------------
def test_every_endpoint_and_method_has_a_budget():
    """A new endpoint or method without a budget fails here, and so does a budget of one that is gone."""
    endpoints = api_endpoints()
    assert len(endpoints) > 40, "the walk found too few endpoints"
    assert sorted(set(endpoints) - set(BUDGETS)) == [], "endpoints without a budget"
    assert sorted(set(BUDGETS) - set(endpoints)) == [], "budgets of endpoints that no longer exist"
    mismatched = {name: (sorted(methods), sorted(BUDGETS[name])) for name, methods in endpoints.items()
                  if methods != set(BUDGETS[name])}
    assert mismatched == {}, "URL name: (methods implemented, methods with a budget)"
    assert sorted(SCOPED_BUDGETS) == gets(of_record=False), "scoped budgets: exactly the endpoints without a record"


@pytest.mark.parametrize("name", gets(of_record=False))
def test_get_without_record(w, name):
    """Lists and reports, in both worlds: the bureau's count for pages of 5 and of 50, the scoped roles' for a page
    of 50 (all they see), each of them constant."""
    scoped = dict(zip(("park_admin", "enterprise_user"), SCOPED_BUDGETS[name], strict=True))
    for role, budget in {"bureau": BUDGETS[name]["get"], **scoped}.items():
        sizes = [] if name in COMPUTED else PAGE_SIZES if role == "bureau" else PAGE_SIZES[-1:]
        for args in PATH_ARGS.get(name, [[]]):
            for page in [{"page_size": size} for size in sizes] or [{}]:
                params = {**QUERY.get(name, {}), **page}
                response, queries = measure(w.clients[role].get, reverse(f"api:{name}", args=args), params)
                check(response, queries, budget, f"GET {name} {args} as {role}, scale {w.scale}, {params}")


@pytest.mark.parametrize("name", gets(of_record=True))
def test_get_of_record(w, name):
    """Endpoints of a record: the same count for a sparse and a rich record, in both worlds."""
    for which in (0, 1):
        path = record_path(w, name, which)
        response, queries = measure(w.clients["bureau"].get, path)
        # A paged list of a record reads no page when its count is 0 (the budget is the one with rows).
        empty = name in PAGED_OF_RECORD and response.status_code == 200 and response.json()["count"] == 0
        check(response, queries, BUDGETS[name]["get"] - empty,
              f"GET {path} ({('sparse', 'rich')[which]}), scale {w.scale}")


@pytest.mark.parametrize(("name", "method"), writes())
def test_write(w, name, method):
    """Valid writes: the same count in both worlds."""
    path, body, fmt = write_request(w, name, method)
    client = w.clients[WRITER.get(name, "bureau")]
    response, queries = measure(getattr(client, method), path, body, format=fmt)
    check(response, queries, BUDGETS[name][method], f"{method.upper()} {path} {body}, scale {w.scale}")


@pytest.mark.parametrize(("name", "role"), [(n, r) for n, roles in PAGE_BUDGETS.items() for r in roles])
def test_page(w, name, role):
    """The web pages: the same count in both worlds (for a page of a record: on a sparse and a rich one)."""
    basename, more = PAGE_ARGS.get(name) or (PAGE_RECORDS.get(name), [])
    for args in [[record.pk, *more] for record in w.pairs[basename]] if basename else [[]]:
        path = reverse(name, args=args)
        response, queries = measure(w.pages[role].get, path)
        check(response, queries, PAGE_BUDGETS[name][role], f"GET {path} as {role}, scale {w.scale}")


def test_import_of_a_large_file_is_a_job(w, settings):
    """An import over IMPORT_SYNC_MAX_ROWS rows answers 202 with its job, within its own budget."""
    settings.IMPORT_SYNC_MAX_ROWS = 0
    path, body, fmt = write_request(w, "import-list", "post")
    response, queries = measure(w.clients["bureau"].post, path, body, format=fmt)
    assert response.status_code == 202, response.data
    check(response, queries, IMPORT_JOB_QUERIES, f"POST {path} as a job, scale {w.scale}")
