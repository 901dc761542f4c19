"""The 2022-2025 plan's fifteen key tasks, as data (the bureau edits them in the admin afterwards).

The titles and descriptions are short paraphrases of the plan's key-task headings (重点任务), not its text; each
row's source says so. Backwards, the rows are removed only where they are still the ones written here."""

from django.db import migrations

PLAN = "北京市促进数字人产业创新发展行动计划（2022-2025年）"
SOURCE = ("《北京市促进数字人产业创新发展行动计划（2022-2025年）》二、重点任务，北京市经济和信息化局，2022年8月。"
          "标题和说明为转述，非原文。")
TASKS = [
    (1, "突破数字人底层技术", "推动建模、驱动、渲染、感知交互等底层技术攻关，推荐优秀项目进入国家科技计划。"),
    (2, "提升数字人生产工具", "支持建模、动作捕捉、渲染等生产工具研发和小批量验证，给予资金补贴。"),
    (3, "建设共性技术平台", "建设云端渲染、交互驱动、智能计算、数据开放、数字资产流通等共性技术平台，以及校企联合实验室和企业技术创新中心。"),
    (4, "推进数字人标准化", "支持企业牵头或参与制定国际、国家、行业、团体和中关村标准，给予奖励。"),
    (5, "推广服务型数字人", "在金融、文旅、政务、电商、医疗、教育等领域推广服务型数字人应用。"),
    (6, "培育表演型数字人", "培育虚拟偶像、数字主播等表演型数字人IP。"),
    (7, "打造数字人应用标杆", "遴选数字人应用标杆项目，形成可推广的示范。"),
    (8, "加强知识产权保护", "推动数字人作品著作权登记、外观设计专利和商标申请。"),
    (9, "建设数字人产业聚集区", "建设特色数字人产业园区和基地，提供孵化服务。"),
    (10, "培育数字人企业梯队", "沿产业链培育专精特新企业梯队和专精特新“小巨人”企业。"),
    (11, "集聚数字人人才", "引进和培养数字人技术、创作和运营人才。"),
    (12, "拓宽投融资渠道", "发挥高精尖产业基金、科创基金作用，支持企业在北京股权交易中心“专精特新”板挂牌和上市。"),
    (13, "完善数字人产业生态", "推动产业链上下游协同和产业交流（标题待与原文核对）。"),
    (14, "深化国际交流合作", "举办和参加国际会议、展会，开展国际交流合作。"),
    (15, "加强风险防控", "落实数据安全、个人信息保护和算法备案要求。"),
]


def add_tasks(apps, schema_editor):
    """Write the plan's fifteen tasks (a task of the same number already there is kept)."""
    task = apps.get_model("registry", "PlanTask")
    for number, title, description in TASKS:
        task.objects.get_or_create(plan=PLAN, number=number,
                                   defaults={"title": title, "description": description, "source": SOURCE})


def remove_tasks(apps, schema_editor):
    """Remove the tasks written here that are still as written."""
    task = apps.get_model("registry", "PlanTask")
    for number, title, description in TASKS:
        task.objects.filter(plan=PLAN, number=number, title=title, description=description, source=SOURCE,
                            policies__isnull=True).delete()


class Migration(migrations.Migration):
    """The 2022-2025 plan's key tasks."""

    dependencies = [
        ("registry", "0014_plan_tasks_and_support_funds"),
    ]

    operations = [migrations.RunPython(add_tasks, remove_tasks)]
