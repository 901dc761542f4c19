"""API tests of labs, platforms, benchmark projects and plan targets (the generic class)."""

from registry.choices import LabKind, PlatformDomain, ProjectField, ProjectStatus, TargetMetric

from .api_base import APIResourceTests
from .factories import (
    BenchmarkProjectFactory,
    EnterpriseFactory,
    LabFactory,
    ParkFactory,
    PlanTargetFactory,
    PlatformFactory,
)


class TestLabAPI(APIResourceTests):
    basename = "lab"
    factory = LabFactory

    def create_payload(self):
        return {"name": "新联合实验室", "kind": "innovation_centre", "host": EnterpriseFactory().pk,
                "park": ParkFactory().pk, "partner": "某大学", "established": "2023-05-01"}

    def update_payload(self, obj):
        return {"status": "closed", "park": None}

    def invalid_payload(self):
        return {"name": "无主实验室", "kind": "joint_lab"}, "host"

    def filter_cases(self):
        a, b = LabFactory(kind=LabKind.INNOVATION_CENTRE), LabFactory(status="planned")
        return [({"kind": "innovation_centre"}, [a], [b]), ({"status": "planned"}, [b], [a]),
                ({"park": a.park_id}, [a], [b]), ({"district": b.park.district_id}, [b], [a]),
                ({"host": a.host_id}, [a], [b]), ({"q": b.name}, [b], [a])]


class TestPlatformAPI(APIResourceTests):
    basename = "platform"
    factory = PlatformFactory

    def create_payload(self):
        return {"name": "新算力平台", "domain": "intelligent_computing", "operator": EnterpriseFactory().pk,
                "launched": "2024-01-01"}

    def update_payload(self, obj):
        return {"domain": "data_opening"}

    def invalid_payload(self):
        return {"name": "无域平台", "domain": "telepathy", "operator": EnterpriseFactory().pk}, "domain"

    def filter_cases(self):
        a, b = PlatformFactory(domain=PlatformDomain.DIGITAL_ASSET_CIRCULATION), PlatformFactory()
        return [({"domain": "digital_asset_circulation"}, [a], [b]), ({"operator": b.operator_id}, [b], [a]),
                ({"park": a.park_id}, [a], [b]), ({"district": b.park.district_id}, [b], [a])]


class TestBenchmarkProjectAPI(APIResourceTests):
    basename = "benchmarkproject"
    factory = BenchmarkProjectFactory

    def create_payload(self):
        return {"name": "新标杆项目", "field": "finance", "dh_kind": "performance", "lead": EnterpriseFactory().pk,
                "partners": [EnterpriseFactory().pk, EnterpriseFactory().pk], "year": 2025}

    def update_payload(self, obj):
        return {"status": "selected", "partners": [EnterpriseFactory().pk]}

    def invalid_payload(self):
        return {"name": "远古项目", "field": "finance", "dh_kind": "service", "lead": EnterpriseFactory().pk,
                "year": 1800}, "year"

    def filter_cases(self):
        partner = EnterpriseFactory()
        a = BenchmarkProjectFactory(field=ProjectField.GOVERNMENT, status=ProjectStatus.ACCEPTED, year=2023)
        a.partners.add(partner)
        b = BenchmarkProjectFactory()
        return [({"field": "government"}, [a], [b]), ({"status": "accepted"}, [a], [b]),
                ({"year": 2023}, [a], [b]), ({"enterprise": partner.pk}, [a], [b]),
                ({"enterprise": b.lead_id}, [b], [a]), ({"district": b.park.district_id}, [b], [a])]

    def test_partners_are_nested_briefly(self, bureau_client):
        project = BenchmarkProjectFactory()
        partners = EnterpriseFactory.create_batch(2)
        project.partners.set(partners)
        data = bureau_client.get(self.detail_url(project)).data
        assert sorted(p["id"] for p in data["partners"]) == sorted(p.pk for p in partners)
        assert {"id", "url", "display", "credit_code", "name"} == set(data["partners"][0])


class TestPlanTargetAPI(APIResourceTests):
    basename = "plantarget"
    factory = PlanTargetFactory
    ordering = "code"

    def create_payload(self):
        return {"plan": "新计划", "code": "head-enterprises-2030", "title": "头部企业", "metric":
                "enterprises_over_revenue", "threshold": "500000.00", "goal": "1.00", "goal_upper": "2.00",
                "unit": "count", "year": 2030}

    def update_payload(self, obj):
        return {"goal": "12.00"}

    def invalid_payload(self):
        return {"plan": "新计划", "code": "no-threshold", "title": "缺阈值", "metric": "enterprises_over_revenue",
                "goal": "10", "year": 2030}, "threshold"

    def filter_cases(self):
        a, b = PlanTargetFactory(metric=TargetMetric.PLATFORMS, year=2030), PlanTargetFactory()
        return [({"metric": "platforms"}, [a], [b]), ({"year": 2030}, [a], [b]), ({"q": b.title}, [b], [a])]

    def test_upper_goal_below_goal_is_refused(self, bureau_client):
        body = {**self.create_payload(), "goal": "3", "goal_upper": "2"}
        response = bureau_client.post(self.list_url(), body, format="json")
        assert response.status_code == 400
        assert "goal_upper" in response.data
