"""Write seeds/demo.json: a fictional, deterministic demo data set for the registry.

Every name in it says 演示 (demo) and every address, website and e-mail is made up (example.com), so the
set cannot be mistaken for real enterprises. Records refer to each other by natural keys (district code,
park name, credit code, unit as park + building + floor + room), never by database ids.

Run from the project root: ``.venv/bin/python seeds/build_demo.py``. The same seed gives the same file.
"""

import datetime
import json
import os
import random
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "seeds" / "demo.json"
SEED = 20250801
DEMO_ENTERPRISE = "91110112XMK560CP51"  # the demo enterprise user's enterprise (registry.seeding.DEMO_ACCOUNTS)

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from enterprises.choices import ChainPosition, EnterpriseStatus, Segment  # noqa: E402
from enterprises.credit_code import SYMBOLS, credit_code_make, faults  # noqa: E402
from enterprises.fakes import (  # noqa: E402
    add_months,
    filing_figures,
    ip_figures,
    money,
    park_services_offered,
    revenue_years,
    tenancy_period,
    unit_labels,
)
from parks.choices import ParkKind  # noqa: E402
from registry.choices import (  # noqa: E402
    DigitalHumanKind,
    LabKind,
    OperatingStatus,
    PlatformDomain,
    ProjectField,
    ProjectStatus,
)

DISTRICT_NAMES = {
    "110101": "东城区", "110102": "西城区", "110105": "朝阳区", "110106": "丰台区", "110107": "石景山区",
    "110108": "海淀区", "110112": "通州区", "110113": "顺义区", "110114": "昌平区", "110115": "大兴区",
    "110302": "北京经济技术开发区",
}

# name, district code, kind, featured, focus
PARKS = [
    ("演示通州数字人产业园", "110112", ParkKind.PARK, True, "数字人基础设施：算力、实时渲染与动作捕捉"),
    ("演示通州数字人算力基地", "110112", ParkKind.BASE, False, "数字人训练与推理算力、渲染农场"),
    ("演示大兴新媒体数字人基地", "110115", ParkKind.BASE, True, "新媒体与数字人消费应用：直播、电商、短视频"),
    ("演示大兴数字消费孵化器", "110115", ParkKind.INCUBATOR, False, "数字人消费应用初创企业孵化"),
    ("演示石景山数字人体验园", "110107", ParkKind.PARK, False, "数字人展示与沉浸式体验场景"),
    ("演示石景山虚拟现实孵化器", "110107", ParkKind.INCUBATOR, False, "虚拟现实与数字人互动体验孵化"),
    ("演示朝阳数字人基地", "110105", ParkKind.BASE, True, "数字人艺术创作与产业孵化"),
    ("演示朝阳数字艺术孵化器", "110105", ParkKind.INCUBATOR, False, "数字艺术、虚拟偶像与IP孵化"),
    ("演示丰台数字人创作者经济园", "110106", ParkKind.PARK, False, "数字人创作者经济与金融场景应用"),
]
# Enterprises registered with no park, by district.
UNPARKED_DISTRICTS = ["110108", "110302", "110101", "110102", "110114", "110113"]

FIRST = [("星", "Xing"), ("云", "Yun"), ("灵", "Ling"), ("幻", "Huan"), ("镜", "Jing"), ("光", "Guang"),
         ("元", "Yuan"), ("智", "Zhi"), ("像", "Xiang"), ("声", "Sheng"), ("影", "Ying"), ("墨", "Mo"),
         ("澜", "Lan"), ("青", "Qing"), ("极", "Ji"), ("拟", "Ni")]
SECOND = [("河", "he"), ("境", "jing"), ("象", "xiang"), ("言", "yan"), ("界", "jie"), ("图", "tu"),
          ("屿", "yu"), ("维", "wei"), ("帆", "fan"), ("鸿", "hong"), ("帧", "zhen"), ("纪", "ji")]
KINDS = {
    ChainPosition.FOUNDATION: [("视觉科技", "Visual Technology"), ("数字科技", "Digital Technology")],
    ChainPosition.PLATFORM: [("智能科技", "Intelligent Technology"), ("信息技术", "Information Technology")],
    ChainPosition.APPLICATION: [("文化传媒", "Culture and Media"), ("互动娱乐", "Interactive Entertainment"),
                                ("数字科技", "Digital Technology")],
}
SEGMENTS = {
    ChainPosition.FOUNDATION: [Segment.MODELLING, Segment.RENDERING, Segment.MOTION_CAPTURE, Segment.HARDWARE],
    ChainPosition.PLATFORM: [Segment.AI_DRIVING, Segment.RENDERING, Segment.VOICE_DIALOGUE, Segment.MODELLING],
    ChainPosition.APPLICATION: [Segment.CONTENT_OPERATION, Segment.IP_OPERATION, Segment.VOICE_DIALOGUE],
}
SEGMENT_ZH = {
    Segment.MODELLING: "数字人建模", Segment.RENDERING: "渲染", Segment.MOTION_CAPTURE: "动作捕捉",
    Segment.VOICE_DIALOGUE: "语音与对话", Segment.AI_DRIVING: "AI驱动", Segment.CONTENT_OPERATION: "内容运营",
    Segment.HARDWARE: "显示与传感硬件", Segment.IP_OPERATION: "虚拟IP运营",
}
LAYER_ZH = {ChainPosition.FOUNDATION: "基础层", ChainPosition.PLATFORM: "平台层", ChainPosition.APPLICATION: "应用层"}

UNIVERSITIES = ["演示理工大学", "演示传媒大学", "演示艺术学院", "演示科学院虚拟现实研究所", "演示师范大学",
                "演示信息工程大学"]
LAB_FOCUS = ["高保真数字人建模与重建", "实时渲染与光照", "多模态交互与对话", "动作捕捉与驱动算法",
             "数字人语音合成", "数字人内容生成", "虚拟制作", "数字资产确权与流通"]

# name, domain, services
PLATFORMS = [
    ("演示数字人云端渲染平台", PlatformDomain.CLOUD_RENDERING, "云端实时渲染、渲染农场调度、串流分发"),
    ("演示数字人交互驱动开放平台", PlatformDomain.INTERACTION_DRIVING, "语音驱动、表情与动作驱动、对话接口"),
    ("演示数字人智能计算服务平台", PlatformDomain.INTELLIGENT_COMPUTING, "模型训练与推理算力、模型托管"),
    ("演示数字人数据开放平台", PlatformDomain.DATA_OPENING, "脱敏动作与语音数据集、标注工具、数据合规评估"),
    ("演示数字资产流通服务平台", PlatformDomain.DIGITAL_ASSET_CIRCULATION, "数字人形象登记、授权与交易撮合"),
    ("演示实时渲染协同平台", PlatformDomain.CLOUD_RENDERING, "多端协同渲染与虚拟制作"),
    ("演示多模态算力调度平台", PlatformDomain.INTELLIGENT_COMPUTING, "异构算力调度与推理加速"),
]

# scene, field, kind of digital human
PROJECTS = [
    ("景区虚拟导览员", ProjectField.CULTURE_TOURISM, DigitalHumanKind.SERVICE),
    ("博物馆数字讲解员", ProjectField.CULTURE_TOURISM, DigitalHumanKind.SERVICE),
    ("银行数字员工", ProjectField.FINANCE, DigitalHumanKind.SERVICE),
    ("证券投教数字人主播", ProjectField.FINANCE, DigitalHumanKind.PERFORMANCE),
    ("政务大厅数字人导办", ProjectField.GOVERNMENT, DigitalHumanKind.SERVICE),
    ("政务热线数字人坐席", ProjectField.GOVERNMENT, DigitalHumanKind.SERVICE),
    ("数字人直播带货", ProjectField.ECOMMERCE_LIVE, DigitalHumanKind.PERFORMANCE),
    ("品牌虚拟主播", ProjectField.ECOMMERCE_LIVE, DigitalHumanKind.PERFORMANCE),
    ("AI数字人新闻主播", ProjectField.MEDIA, DigitalHumanKind.PERFORMANCE),
    ("虚拟偶像综艺", ProjectField.MEDIA, DigitalHumanKind.PERFORMANCE),
    ("数字人虚拟教师", ProjectField.EDUCATION, DigitalHumanKind.SERVICE),
    ("职业培训数字人助教", ProjectField.EDUCATION, DigitalHumanKind.SERVICE),
    ("医院导诊数字人", ProjectField.HEALTHCARE, DigitalHumanKind.SERVICE),
    ("数字人手语翻译", ProjectField.OTHER, DigitalHumanKind.SERVICE),
]


def iso(day: datetime.date | None) -> str | None:
    """Return a date as ISO text, or None."""
    return day.isoformat() if day else None


def month_start(rng: random.Random, first_year: int, last_year: int) -> datetime.date:
    """Return the first day of a random month between two years (inclusive)."""
    return datetime.date(rng.randint(first_year, last_year), rng.randint(1, 12), 1)


def credit_code(rng: random.Random, division: str, taken: set[str]) -> str:
    """Return a new valid enterprise credit code (9 1 + division + 8 random symbols + both check characters)."""
    while True:
        code = credit_code_make(division=division, organisation="".join(rng.choice(SYMBOLS) for _ in range(8)))
        if code not in taken:
            assert faults(code) == [], (code, faults(code))
            taken.add(code)
            return code


def build_parks(rng: random.Random) -> list[dict]:
    """Return the demo parks."""
    return [
        {
            "name": name, "district": district, "kind": kind.value, "featured": featured,
            "address": f"北京市{DISTRICT_NAMES[district]}演示路{rng.randint(1, 200)}号（演示地址）",
            "focus": focus, "operator": f"{name}运营管理有限公司",
        }
        for name, district, kind, featured, focus in PARKS
    ]


def build_units(rng: random.Random, parks: list[dict]) -> list[dict]:
    """Return the leasable units of every park: two or three buildings, a few floors, one or two rooms a floor."""
    units = []
    for park in parks:
        buildings = ["A座", "B座", "C座"][: rng.randint(2, 3)] if park["kind"] != ParkKind.INCUBATOR else ["1号楼"]
        for building in buildings:
            for floor in range(1, rng.randint(2, 4) + 1):
                for room in range(1, rng.randint(1, 2) + 1):
                    area = rng.randrange(120, 1600) / 2  # 60.0 to 799.5 m², in half square metres
                    labels = dict(zip(("building", "floor", "room"), unit_labels(building, floor, room), strict=True))
                    units.append({"park": park["name"], **labels, "area": f"{area:.2f}"})
    return units


def enterprise_name(rng: random.Random, position: ChainPosition, used: set[str]) -> tuple[str, str, str]:
    """Return a new (legal name, short name, English name), every one marked as a demo."""
    while True:
        (first, first_en), (second, second_en) = rng.choice(FIRST), rng.choice(SECOND)
        if first + second not in used:
            used.add(first + second)
            break
    kind, kind_en = rng.choice(KINDS[position])
    return (
        f"演示{first}{second}{kind}有限公司",
        f"演示{first}{second}",
        f"Demo {first_en}{second_en} {kind_en} Co., Ltd.",
    )


def division_for(rng: random.Random, district: str) -> str:
    """Return the division code inside a new credit code: mostly the district's, sometimes city-level or another."""
    draw = rng.random()
    if draw < 0.15:
        return "110000"  # registered with the city's market regulator
    if draw < 0.22:
        return rng.choice(["110108", "110105", "110228"])  # moved since, or an old county code (密云县)
    return district


def build_enterprises(rng: random.Random, parks: list[dict]) -> list[dict]:
    """Return 60 demo enterprises: six per park, the rest registered outside any park."""
    positions = [ChainPosition.FOUNDATION] * 18 + [ChainPosition.PLATFORM] * 18 + [ChainPosition.APPLICATION] * 24
    rng.shuffle(positions)
    homes = [(park["district"], park["name"]) for park in parks for _ in range(6)]
    homes += [(district, None) for district in UNPARKED_DISTRICTS]
    statuses = {7: EnterpriseStatus.MOVED_OUT, 31: EnterpriseStatus.MOVED_OUT, 44: EnterpriseStatus.DEREGISTERED}
    codes: set[str] = set()
    used: set[str] = set()
    enterprises = []
    for index, ((district, park), position) in enumerate(zip(homes, positions, strict=True), start=1):
        name, short_name, name_en = enterprise_name(rng, position, used)
        segments = sorted(rng.sample(SEGMENTS[position], rng.randint(1, 3)), key=list(Segment).index)
        area = DISTRICT_NAMES[district]
        enterprises.append({
            "credit_code": credit_code(rng, division_for(rng, district), codes),
            "name": name, "short_name": short_name, "name_en": name_en,
            "founded": iso(datetime.date(rng.randint(2008, 2023), rng.randint(1, 12), rng.randint(1, 28))),
            "district": district, "park": park, "chain_position": position.value,
            "segments": [segment.value for segment in segments],
            "status": statuses.get(index, EnterpriseStatus.ACTIVE).value,
            "profile": (
                f"（演示数据，虚构企业）{short_name}是注册在{area}的数字人{LAYER_ZH[position]}企业，"
                f"主要从事{'、'.join(SEGMENT_ZH[segment] for segment in segments)}业务。"
            ),
            "website": f"https://demo{index:02d}.example.com",
            "contact_name": f"演示联系人{index:02d}",
            "contact_phone": f"010-0000{index:04d}",
            "contact_email": f"contact{index:02d}@example.com",
        })
    return enterprises


def build_tenancies(rng: random.Random, units: list[dict], enterprises: list[dict]) -> list[dict]:
    """Return tenancies: per unit an optional past letting, then an optional later one (half-open, no overlap)."""
    active = {}
    former = {}
    for enterprise in enterprises:
        target = active if enterprise["status"] == EnterpriseStatus.ACTIVE else former
        target.setdefault(enterprise["park"], []).append(enterprise["credit_code"])
    tenancies = []
    for unit in units:
        place = {key: unit[key] for key in ("park", "building", "floor", "room")}
        tenants = active.get(unit["park"], []) + active.get(None, [])  # a few unparked enterprises rent space too
        leavers = former.get(unit["park"], []) + tenants
        day = None
        if rng.random() < 0.45:
            start, day = tenancy_period(month_start(rng, 2019, 2021), months=rng.choice([12, 24, 36]))
            tenancies.append({
                "unit": place, "enterprise": rng.choice(leavers), "start": iso(start), "end": iso(day),
                "rent": f"{rng.randint(300, 900) / 100:.2f}",
            })
        if rng.random() < 0.75:
            start = add_months(day, rng.choice([0, 0, 2, 5])) if day else month_start(rng, 2020, 2025)
            start, end = tenancy_period(start, months=rng.choice([None, None, 36, 60]))
            own = active.get(unit["park"], [])
            tenancies.append({
                "unit": place, "enterprise": rng.choice(own if own and rng.random() < 0.9 else tenants),
                "start": iso(start), "end": iso(end), "rent": f"{rng.randint(300, 900) / 100:.2f}",
            })
    return tenancies


def build_labs(rng: random.Random, enterprises: list[dict]) -> list[dict]:
    """Return ten labs: six university-enterprise joint labs and four enterprise technology innovation centres."""
    hosts = rng.sample([e for e in enterprises if e["status"] == EnterpriseStatus.ACTIVE
                        and e["chain_position"] != ChainPosition.APPLICATION], 10)
    statuses = [OperatingStatus.ACTIVE] * 8 + [OperatingStatus.PLANNED, OperatingStatus.CLOSED]
    labs = []
    for index, (host, status) in enumerate(zip(hosts, statuses, strict=True)):
        focus = rng.choice(LAB_FOCUS)
        if index < 6:
            partner = UNIVERSITIES[index]
            name, kind = f"{host['short_name']}-{partner}{focus}联合实验室", LabKind.JOINT_LAB
        else:
            partner = ""
            name, kind = f"{host['short_name']}{focus}技术创新中心", LabKind.INNOVATION_CENTRE
        established = None if status == OperatingStatus.PLANNED else month_start(rng, 2019, 2025)
        labs.append({
            "name": name, "kind": kind.value, "partner": partner, "host": host["credit_code"], "park": host["park"],
            "established": iso(established), "focus": f"（演示）{focus}", "status": status.value,
        })
    return labs


def build_platforms(rng: random.Random, enterprises: list[dict]) -> list[dict]:
    """Return the platforms, at least one in every domain, run by platform-layer enterprises."""
    operators = rng.sample([e for e in enterprises if e["status"] == EnterpriseStatus.ACTIVE
                            and e["chain_position"] == ChainPosition.PLATFORM], len(PLATFORMS))
    platforms = []
    for index, ((name, domain, services), operator) in enumerate(zip(PLATFORMS, operators, strict=True)):
        status = OperatingStatus.PLANNED if index == len(PLATFORMS) - 1 else OperatingStatus.ACTIVE
        launched = None if status == OperatingStatus.PLANNED else month_start(rng, 2021, 2025)
        platforms.append({
            "name": name, "domain": domain.value, "operator": operator["credit_code"], "park": operator["park"],
            "services": f"（演示）{services}", "launched": iso(launched), "status": status.value,
        })
    return platforms


def build_projects(rng: random.Random, enterprises: list[dict]) -> list[dict]:
    """Return the benchmark projects, at least one in every field, each led by one enterprise with partners."""
    active = [e for e in enterprises if e["status"] == EnterpriseStatus.ACTIVE]
    leads = [e for e in active if e["chain_position"] == ChainPosition.APPLICATION]
    projects = []
    for scene, field, dh_kind in PROJECTS:
        lead = rng.choice(leads)
        partners = rng.sample([e for e in active if e is not lead], rng.randint(1, 3))
        year = rng.randint(2022, 2026)
        status = (ProjectStatus.ACCEPTED if year <= 2023 else ProjectStatus.SELECTED if year <= 2025
                  else ProjectStatus.APPLIED)
        projects.append({
            "name": f"演示{scene}项目", "field": field.value, "dh_kind": dh_kind.value,
            "lead": lead["credit_code"], "partners": sorted(p["credit_code"] for p in partners),
            "park": lead["park"], "year": year, "status": status.value,
            "summary": (
                f"（演示数据）由{lead['short_name']}牵头，"
                f"联合{'、'.join(p['short_name'] for p in partners)}实施的{scene}应用。"
            ),
        })
    return projects


def build_filings(rng: random.Random, enterprises: list[dict]) -> list[dict]:
    """Return approved filings of 2023 and 2024 for the active enterprises, some 2025 filings under review, and
    a 2025 draft of the demo enterprise user's enterprise; figures in 万元, varied so each tier has candidates.
    The seed command moves these years (and the designations') on so that the latest approved ones are of the
    reporting year on the day it loads them (registry.seeding.demo_years_shift)."""
    filings = []
    for index, enterprise in enumerate(enterprises):
        if enterprise["status"] != EnterpriseStatus.ACTIVE:
            continue
        base = Decimal(rng.choice([600, 1200, 2500, 4800, 8000, 15000, 40000]))
        growth = Decimal(rng.choice(["0.97", "1.06", "1.12", "1.25"]))
        for year in (2023, 2024, 2025):
            scale = growth ** (year - 2023)
            revenue = money(base * scale)
            if year == 2025 and index % 3:
                continue
            status = "approved" if year < 2025 else "submitted"
            rd_share = Decimal(rng.choice(["0.012", "0.028", "0.045", "0.07", "0.11"]))
            staff = rng.choice([25, 60, 140, 280, 420])
            dh_share = Decimal(rng.choice(["0.3", "0.6", "0.9"]))
            margin = Decimal(rng.choice(["-0.05", "0.03", "0.09", "0.15"]))
            figures = filing_figures(
                revenue=revenue_years(revenue, growth), main_share=Decimal("0.85"), dh_share=dh_share,
                rd_share=rd_share, margin=margin, staff=staff, rd_staff_share=rng.choice([10, 25, 45]) / 100)
            debt_ratio = str(rng.choice([28, 45, 58, 72])) + ".00"
            ip = rng.choice([0, 1, 2, 5])
            ips = ip_figures(ip_class1=ip, self_developed=1, high_value=rng.choice([0, 0, 1]), applied=3,
                             ip_class2=rng.choice([0, 3, 12]))
            filings.append({
                "enterprise": enterprise["credit_code"], "year": year, "status": status,
                **{name: value if isinstance(value, int) else str(value) for name, value in figures.items()},
                "debt_ratio": debt_ratio, **ips,
                "niche_months": rng.choice([1, 2, 4, 7]) * 12 + (ip % 3) * 5,
                "market_share": str(rng.choice([2, 6, 11, 18])) + ".00",
                "strategic_emerging": rng.random() < 0.7,
                "product_field": rng.choice(["key_link", "foundation", "other"]),
                "rd_institution": rng.choice(["none", "other", "municipal", "provincial"]),
                "digitalisation_level": rng.choice([1, 2, 3]), "information_system": rng.random() < 0.8,
                "management_certification": rng.random() < 0.6, "own_brand": (brand := rng.random() < 0.5),
                "competitive_brand": brand and ip >= 2,
                "honour": rng.random() < 0.3, "standard_drafting": rng.random() < 0.3,
            })
    own = [f for f in filings if f["enterprise"] == DEMO_ENTERPRISE]
    filings = [f for f in filings if not (f["enterprise"] == DEMO_ENTERPRISE and f["year"] == 2025)]
    filings.append({**own[1], "year": 2025, "status": "draft"})  # the demo enterprise user's draft to submit
    return filings


def build_designations(rng: random.Random, enterprises: list[dict]) -> list[dict]:
    """Return tier designations: a fifth of the active enterprises 创新型, some 专精特新, two 小巨人."""
    designations = []
    active = [e for e in enterprises if e["status"] == EnterpriseStatus.ACTIVE]
    for index, enterprise in enumerate(active):
        tiers = ["innovative"] if index % 5 == 0 else []
        tiers += ["specialised"] if index % 10 == 0 else []
        tiers += ["little_giant"] if index in (0, 20) else []
        for tier in tiers:
            granted = datetime.date(rng.choice([2022, 2023, 2024]), rng.choice([3, 6, 9, 12]), 1)
            designations.append({
                "enterprise": enterprise["credit_code"], "tier": tier, "year": granted.year,
                "batch": f"{granted.year}年第{(granted.month + 2) // 3}批", "granted_on": iso(granted),
                "certificate_number": f"DEMO-{tier[:2].upper()}-{granted.year}-{index:03d}",
            })
    return designations


# The declaration pipeline of the demo: (round, status) of each declaration, in order. The seed dates the rounds
# from the day it runs: "current" is this month's round (open), "previous" last month's (in review, its list in
# publicity this month); so `make run` always shows an open round and each stage of review.
DECLARATION_STAGES = [("current", "draft"), ("current", "district_review"), ("current", "district_review"),
                      ("previous", "city_review"), ("previous", "publicity")]
ANSWERS = {"main_product": "演示数字人产品", "market_position": "演示细分市场前列", "innovation": "演示自研技术"}


def build_declarations(enterprises: list[dict], filings: list[dict]) -> list[dict]:
    """Return the demo's declarations: the demo enterprise's draft, and four active enterprises with approved
    filings at the later stages, the first two in district review in 通州区 (the demo district staff's) and
    elsewhere."""
    approved = {row["enterprise"] for row in filings if row["status"] == "approved"}
    active = [e for e in enterprises if e["status"] == EnterpriseStatus.ACTIVE and e["credit_code"] in approved
              and e["credit_code"] != DEMO_ENTERPRISE]
    tongzhou = [e for e in active if e["district"] == "110112"]
    others = [e for e in active if e["district"] != "110112"]
    chosen = [DEMO_ENTERPRISE, tongzhou[0]["credit_code"], others[0]["credit_code"], tongzhou[1]["credit_code"],
              others[1]["credit_code"]]
    return [{"round": round_key, "enterprise": code, "status": status, "answers": ANSWERS}
            for (round_key, status), code in zip(DECLARATION_STAGES, chosen, strict=True)]


# Support-fund policies (their plan task by number) and the awards under them, by the place of the enterprise
# among the active ones registered with a park: every status, amounts in 万元.
POLICIES = [
    ("（演示）数字人生产工具小批量验证补贴", "北京市经济和信息化局", 2, "3000.00",
     "（演示）对数字人建模、动作捕捉和渲染工具的小批量验证给予补贴。"),
    ("（演示）数字人标准制定奖励", "北京市经济和信息化局", 4, "500.00",
     "（演示）对牵头制定国际、国家、行业、团体和中关村标准的企业给予奖励。"),
    ("（演示）特色园区孵化服务支持", "（演示）区人民政府", 9, "800.00",
     "（演示）对园区为入驻数字人企业提供的孵化服务给予支持。"),
]
AWARDS = [
    (0, 0, {"status": "paid", "amount_approved": "300.00", "approved_on": "2024-05-20", "amount_paid": "300.00",
            "paid_on": "2024-07-15"}),
    (0, 1, {"status": "paid", "amount_approved": "180.00", "approved_on": "2024-05-20", "amount_paid": "90.00",
            "paid_on": "2024-08-01"}),
    (0, 2, {"status": "approved", "amount_approved": "120.00", "approved_on": "2024-09-10"}),
    (0, 3, {"status": "applied"}),
    (1, 4, {"status": "approved", "amount_approved": "50.00", "approved_on": "2024-10-08"}),
    (2, 5, {"status": "cancelled", "note": "（演示）企业迁出，撤销支持"}),
]


def build_funds(enterprises: list[dict]) -> tuple[list[dict], list[dict]]:
    """The demo's support policies of 2024 and their awards (no draw: fixed by POLICIES and AWARDS)."""
    policies = [{"name": name, "issuer": issuer, "task": task, "year": 2024, "budget": budget,
                 "description": description} for name, issuer, task, budget, description in POLICIES]
    parked = [e["credit_code"] for e in enterprises if e["status"] == EnterpriseStatus.ACTIVE and e["park"]]
    awards = [{"policy": policies[policy]["name"], "enterprise": parked[firm], **values}
              for policy, firm, values in AWARDS]
    return policies, awards


def build_registers(rng: random.Random, enterprises: list[dict]) -> dict[str, list[dict]]:
    """The enterprises' own registers (docs/registers-enterprise.md): standards (a group standard shared by two
    enterprises), IP items of both classes, virtual characters with registrations, financing rounds (some with a
    government-guided fund) and listings, dated 2022-2025."""
    registers = {name: [] for name in ("standards", "ip_items", "characters", "financing_rounds", "listings")}
    levels = ["group", "group", "zhongguancun", "industry", "national", "local", "international"]
    for index, enterprise in enumerate(enterprises):
        code = enterprise["credit_code"]
        if rng.random() < 0.3:
            level = rng.choice(levels)
            published = datetime.date(rng.randint(2022, 2025), rng.randint(1, 12), rng.randint(1, 28))
            row = {"enterprise": code, "title": f"演示数字人{['通用技术要求', '服务规范', '评测方法'][index % 3]}",
                   "number": f"T/DEMO {index + 1:03d}-{published.year}", "level": level, "role": "lead",
                   "status": "published", "approved_on": iso(published - datetime.timedelta(days=30)),
                   "published_on": iso(published)}
            registers["standards"].append(row)
            partner = enterprises[(index + 1) % len(enterprises)]["credit_code"]
            registers["standards"].append({**row, "enterprise": partner, "role": "participating"})
        for item in range(rng.randint(0, 4)):
            kind = rng.choice(["invention", "invention", "utility_model", "design", "software", "software"])
            granted = datetime.date(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28))
            registers["ip_items"].append({
                "enterprise": code, "type": kind, "number": f"DEMO{index + 1:03d}{item}{granted.year}",
                "title": f"演示{['数字人驱动方法', '渲染装置', '交互系统'][item % 3]}", "granted_on": iso(granted),
                "self_developed": kind == "invention" and rng.random() < 0.6})
        if rng.random() < 0.15:
            registered = datetime.date(rng.randint(2022, 2025), rng.randint(1, 12), 1)
            registers["characters"].append({
                "enterprise": code, "name": f"演示形象{index + 1}",
                "dh_type": rng.choice(["service", "performance"]),
                "registrations": [{"kind": "copyright", "number": f"国作登字-演示-{index + 1:03d}",
                                   "registered_on": iso(registered)}]})
        if rng.random() < 0.3:
            closed = datetime.date(rng.randint(2022, 2025), rng.randint(1, 12), rng.randint(1, 28))
            registers["financing_rounds"].append({
                "enterprise": code, "closed_on": iso(closed), "round_name": rng.choice(["天使轮", "A轮", "B轮"]),
                "amount": f"{rng.randint(5, 300) * 100}.00", "lead_investor": "演示资本（虚构）",
                "guided_fund": rng.choice(["", "", "high_tech", "sci_tech"])})
        if index % 20 == 7:
            registers["listings"].append({"enterprise": code, "board": rng.choice(["specialised", "neeq"]),
                                          "listed_on": iso(datetime.date(rng.randint(2022, 2025), 6, 1))})
    return registers


def build_park_services(rng: random.Random, parks: list[dict]) -> list[dict]:
    """The parks' services and policies (docs/park-services.md), drawn by enterprises.fakes.park_services_offered
    with the day the demo was drawn as its today, so that every one is offered (or ended) by the time it is loaded."""
    drawn_on = datetime.date(2025, 8, 1)
    return [{**row, "park": park["name"], "offered_from": iso(row["offered_from"]),
             "offered_until": iso(row["offered_until"])}
            for number, park in enumerate(parks, 1)
            for row in park_services_offered(rng, park_kind=park["kind"], number=number, today=drawn_on)]


# Share of the demo enterprises holding each kind of compliance filing (docs/registers-compliance.md).
COMPLIANCE_SHARES = {"deep_synthesis": 0.45, "generative_ai": 0.15, "content_security": 0.35, "data_security": 0.25}


def build_compliance(rng: random.Random, enterprises: list[dict]) -> dict[str, list[dict]]:
    """The enterprises' compliance filings: algorithm filings (numbered, a few lapsed or cancelled), content- and
    data-security records, filed 2023-2025; the rest of the enterprises lack them (the gaps the bureau sees)."""
    rows = []
    for index, enterprise in enumerate(enterprises):
        for kind, share in COMPLIANCE_SHARES.items():
            if rng.random() >= share:
                continue
            filed = datetime.date(rng.randint(2023, 2025), rng.randint(1, 12), rng.randint(1, 28))
            row = {"enterprise": enterprise["credit_code"], "kind": kind, "filed_on": iso(filed),
                   "service_name": f"演示{['数字人播报', '虚拟客服', '数字人直播'][index % 3]}服务"}
            if kind in ("deep_synthesis", "generative_ai"):
                row["number"] = f"网信算备演示{index + 1:03d}{kind[:1].upper()}{filed.year}号"
            chance = rng.random()
            if chance < 0.1:
                row["cancelled_on"] = iso(min(filed + datetime.timedelta(days=rng.randint(90, 400)),
                                              datetime.date(2025, 12, 31)))  # never after the demo's years
            elif chance < 0.25:
                row["valid_until"] = iso(filed + datetime.timedelta(days=3 * 365))
            rows.append(row)
    return {"compliance_filings": rows}


# Talent, events and cooperation (docs/registers-activities.md): per kind, the share of enterprises reporting one
# in a year, the titles and partners drawn from, and the people counted (None: not counted).
ACTIVITY_DRAWS = {
    "national_programme": (0.05, ["数字人实时驱动引擎", "高精度三维重建平台"], ["国家重点研发计划"], None),
    "tool_verification": (0.06, ["数字人建模工具", "动作捕捉套件", "AI 驱动渲染工具"], ["首台（套）验证平台"], None),
    "leading_talent": (0.04, ["北京市领军人才认定", "海聚工程人才认定"], [""], (1, 3)),
    "joint_training": (0.06, ["数字人建模联合培养班", "虚拟制作实训基地"],
                       ["北京航空航天大学", "北京邮电大学", "中国传媒大学"], (15, 60)),
    "industry_exchange": (0.10, ["数字人产业供需对接会", "数字人创新应用沙龙"], ["演示区经信局（虚构）"], None),
    "international_event": (0.05, ["世界人工智能大会展区", "国际数字人论坛"], ["新加坡", "德国", "日本"], None),
    "overseas_project": (0.03, ["海外数字人客服项目", "中东虚拟主播合作"], ["阿联酋", "马来西亚"], None),
}


def build_activities(rng: random.Random, enterprises: list[dict]) -> list[dict]:
    """The enterprises' industry activities of 2022-2025 (counts only, never names of people): each active
    enterprise reports each kind in a year with its ACTIVITY_DRAWS share."""
    rows = []
    active = [e for e in enterprises if e["status"] == EnterpriseStatus.ACTIVE]
    for year in range(2022, 2026):
        for enterprise in active:
            for kind, (share, titles, partners, people) in ACTIVITY_DRAWS.items():
                if rng.random() < share:
                    rows.append({"enterprise": enterprise["credit_code"], "kind": kind,
                                 "title": f"（演示）{rng.choice(titles)}", "partner": rng.choice(partners),
                                 "held_on": iso(datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))),
                                 "people": rng.randint(*people) if people else None})
    return rows


def build(seed: int = SEED) -> dict:
    """Return the whole demo data set for a seed."""
    rng = random.Random(seed)
    parks = build_parks(rng)
    units = build_units(rng, parks)
    enterprises = build_enterprises(rng, parks)
    filings = build_filings(random.Random(seed + 1), enterprises)
    return {
        "parks": parks,
        "units": units,
        "enterprises": enterprises,
        "tenancies": build_tenancies(rng, units, enterprises),
        "labs": build_labs(rng, enterprises),
        "platforms": build_platforms(rng, enterprises),
        "benchmark_projects": build_projects(rng, enterprises),
        "filings": filings,
        "designations": build_designations(random.Random(seed + 2), enterprises),
        "declarations": build_declarations(enterprises, filings),
        **dict(zip(("support_policies", "support_awards"), build_funds(enterprises), strict=True)),
        **build_registers(random.Random(seed + 3), enterprises),
        "park_services": build_park_services(random.Random(seed + 4), parks),
        **build_compliance(random.Random(seed + 4), enterprises),
        "activities": build_activities(random.Random(seed + 4), enterprises),
    }


def main() -> None:
    """Write the demo data set to seeds/demo.json and say how many records of each kind it holds."""
    data = build()
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{OUTPUT.relative_to(ROOT)}: " + ", ".join(f"{len(rows)} {kind}" for kind, rows in data.items()))


if __name__ == "__main__":
    main()
