"""Demo accounts of the sample county (演示账号): one per role, and town officers of three towns.

The password of each is its user name + "-demo"; they exist only in a demo database.
"""

from __future__ import annotations

DEMO_PASSWORD_SUFFIX = "-demo"
# landcycle.accounts.models.Role values, spelled out so that importing the sample needs no Django setup
COUNTY_ADMIN, CITY_ANALYST, TOWN_OFFICER = "county_admin", "city_analyst", "town_officer"
SUPERVISOR, LEADER, PROVINCE = "supervisor", "leader", "province"


def _user(
    username: str, role: str, role_label: str, region_code: str, region_name: str, display_name: str, organisation: str
) -> dict:
    return {
        "username": username,
        "password": username + DEMO_PASSWORD_SUFFIX,
        "role": role,
        "role_label": role_label,
        "region_code": region_code,
        "region_name": region_name,
        "display_name": display_name,
        "organisation": organisation,
    }


DEMO_USERS: list[dict] = [
    _user("admin", COUNTY_ADMIN, "县级管理员", "330282", "慈溪市", "陈立新", "慈溪市自然资源和规划局"),
    _user("analyst", CITY_ANALYST, "市局分析员", "330282", "慈溪市", "王丽华", "慈溪市经济和信息化局"),
    _user("supervisor", SUPERVISOR, "纪检监督员", "330282", "慈溪市", "周志强", "慈溪市纪委市监委"),
    _user("leader", LEADER, "领导（只读）", "330282", "慈溪市", "孙建军", "慈溪市人民政府"),
    _user("province", PROVINCE, "省级（只读）", "33", "浙江省", "郑海涛", "浙江省经济和信息化厅"),
    _user("xinpu", TOWN_OFFICER, "镇街经办人", "330282112", "新浦镇", "胡晓东", "新浦镇经济发展办公室"),
    _user("qiaotou", TOWN_OFFICER, "镇街经办人", "330282109", "桥头镇", "沈海燕", "桥头镇经济发展办公室"),
    _user("henghe", TOWN_OFFICER, "镇街经办人", "330282114", "横河镇", "岑伟明", "横河镇经济发展办公室"),
]


def create_demo_users(*, actor) -> int:
    """Create the demo accounts through the audited user service; existing user names are left alone."""
    from landcycle.accounts.models import User  # noqa: PLC0415 -- DEMO_USERS is plain data read without Django; creating the accounts needs the models
    from landcycle.accounts.services import user_create  # noqa: PLC0415 -- DEMO_USERS is plain data read without Django; creating the accounts needs the models
    from landcycle.registry.models import Region  # noqa: PLC0415 -- DEMO_USERS is plain data read without Django; creating the accounts needs the models

    regions = {r.code: r for r in Region.objects.filter(code__in=[u["region_code"] for u in DEMO_USERS])}
    taken = set(
        User.objects.filter(username__in=[u["username"] for u in DEMO_USERS]).values_list("username", flat=True)
    )
    created = 0
    for spec in DEMO_USERS:
        if spec["username"] in taken:
            continue
        user_create(
            actor=actor,
            username=spec["username"],
            password=spec["password"],
            role=spec["role"],
            region=regions[spec["region_code"]],
            display_name=spec["display_name"],
            organisation=spec["organisation"],
        )
        created += 1
    return created
