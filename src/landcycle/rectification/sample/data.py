"""The sample county's rectification story (慈溪市纪委市监委, 2022 report; see ../shared/seed/): the provincial
inspection's "回头看" and the problem it fed back; the commission's 86 supervision checks, three of which found
the three problems and made the twelve suggestions of the report ("累计开展监督检查86次，监督发现问题3个，提出意见
建议12条"); the tasks of 新浦镇, 桥头镇, 横河镇 and two county departments, their progress round by round, and the
回头看 re-checks of closed tasks, one of which finds a relapse. Plain data, no Django.

Rounds (R1–R6) are the twice-monthly periods from 2026-09-01 to 2026-11-30. A task's ``rounds`` gives, per
round it takes part in, the percent it reports (None: no update that round), optionally with "c:<note>" for
a challenge, "close" for a close-out request (confirmed, then closed out) or "pending" (not yet reviewed: the
open round only). Entries of rounds the task is not in (closed out at the round's opening) are ignored.
"""

from __future__ import annotations

import datetime as dt

D = dt.date
REVISIT = {
    "title": "省委巡视组对慈溪市开展巡视“回头看”",
    "body": "浙江省委巡视组",
    "started_on": D(2026, 2, 24),
    "ended_on": D(2026, 4, 3),
    "summary": "省委巡视组对慈溪市开展巡视“回头看”，高质量发展战略落地见效是否有力是关注焦点之一。"
    "反馈意见指出：清理整治“低散污乱”企业的魄力还不够大，腾笼换鸟、动能转换的步伐不够快。",
}
# The problem the provincial inspection fed back (the seed's words); finding 0 of TASKS.
REVISIT_FINDING = (
    "清理整治“低散污乱”企业的魄力还不够大，腾笼换鸟、动能转换的步伐不够快",
    "省委巡视组明确指出“清理整治‘低散污乱’企业的魄力还不够大，腾笼换鸟、动能转换的步伐不够快”的问题。",
)
REVISIT_FEEDBACK_ON = D(2026, 4, 3)
FINDINGS_ON = D(2026, 4, 10)
# The three supervision checks of the commission that found FINDINGS 1–3 (title, body, region or None, date);
# the suggestions without a finding were made at the second.
FINDING_CHECKS = [
    ("敦和园区企业腾退进展实地督导", "慈溪市纪委市监委", "330282112", D(2026, 4, 8)),
    ("老旧工业区块改造提升推进情况专项督查", "慈溪市纪委市监委", None, D(2026, 4, 9)),
    ("工业园区日常管理专项监督检查", "慈溪市纪委市监委", None, D(2026, 4, 10)),
]
FINDINGS = [
    (
        "清理整治“低散污乱”企业的魄力还不够大，低效企业腾退迟缓",
        "清理整治‘低散污乱’企业的魄力还不够大……园区企业却因清理费用过高等原因迟迟不腾退。",
    ),
    ("腾笼换鸟、动能转换的步伐不够快，老旧工业区块改造提升推进缓慢", "腾笼换鸟、动能转换的步伐不够快。"),
    (
        "工业用地“准入—供给—监管—退出”管理机制不健全，职能部门对园区管理较为松散、基础工作薄弱",
        "职能部门对园区管理较为松散，导致基础工作薄弱……正是因为制度有漏洞，被腾退企业才会觉得“不合理”。",
    ),
]
SUGGESTIONS = [  # (finding number or None, text)
    (1, "加大老旧工业区块改造提升力度，实施新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动"),
    (1, "对到期不腾退企业逐一确定遗留物归属、梳理矛盾症结，必要时引入司法调解"),
    (1, "按“一镇一方案”开展专项整治提升行动，成立镇级老旧工业区块改造提升工作专班"),
    (1, "镇纪委监察办同步组建联合监督组，密切跟踪整改进展，实时监测整改堵点"),
    (2, "盘活存量工业用地，推进“退二优二”项目落地"),
    (2, "老旧工业园区改造提升做到全面铺开、多点开花"),
    (2, "组建园区改造提升指挥部，对涉及企业逐家制定改造提升方案"),
    (2, "每季度开展“腾笼换鸟”产业治理“赛马”排名，形成“五位一体”倒逼激励机制"),
    (3, "出台工业用地项目全生命周期管理实施意见，严格源头管控、加强全周期管理、强化全链条倒逼"),
    (3, "为工业用地设置企业进驻准入门槛，划定最低亩均税收标准，严格限制负面清单企业入园"),
    (3, "建立“三色预警”监督模式，每月两次对账销号"),
    (None, "定期听取、实地督导老旧工业区块改造提升情况，持续优化政策供给"),
]
# Towns by statistical code; None = a county department (the task's region is the county).
XINPU, QIAOTOU, HENGHE = "330282112", "330282109", "330282114"
ASSIGNED_ON = D(2026, 4, 20)
# key, finding, town, department, person, title, measures, deadline, parks, before-round reports, rounds
TASKS = [
    (
        "dunhe_exit",
        1,
        XINPU,
        "",
        "胡晓东",
        "敦和园区到期企业腾退",
        "成立镇级老旧工业区块改造提升工作专班；逐一确定遗留物归属、梳理矛盾症结，召开专题会议协商；"
        "引入司法调解，联动市法院释法说理，推动到期企业完成腾退",
        D(2026, 10, 31),
        ["敦和园区"],
        [(D(2026, 6, 30), 40)],
        [60, 75, 90, "100:close"],
    ),
    (
        "pengqiao_clear",
        1,
        HENGHE,
        "",
        "岑伟明",
        "彭桥工业园区“低散乱”企业清理整治",
        "对园区“低散乱”企业逐家建档，依法关停取缔一批、整合入园一批、规范提升一批",
        D(2026, 9, 30),
        ["彭桥工业园区"],
        [(D(2026, 6, 30), 60)],
        [85, "100:close", None, None, None, 30],
    ),
    (
        "yandun_demolish",
        1,
        QIAOTOU,
        "",
        "沈海燕",
        "拆除烟墩老废塑料市场老旧厂房及周边违建",
        "拆除烟墩老废塑料市场老旧厂房及周边违法建筑118亩，清运建筑垃圾，地块移交“退二优二”项目",
        D(2026, 8, 31),
        ["桥头镇西工业区"],
        [(D(2026, 6, 30), 70), (D(2026, 8, 25), 100)],
        [],
    ),
    (
        "county_action",
        0,
        None,
        "慈溪市经济和信息化局",
        "王丽华",
        "实施新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动",
        "制定攻坚行动方案，明确年度腾退、改造、招引目标并分解到镇街",
        D(2026, 6, 30),
        [],
        [(D(2026, 6, 20), 100)],
        [],
    ),
    (
        "qiaotou_renew",
        2,
        QIAOTOU,
        "",
        "沈海燕",
        "东、西工业区1171亩老旧工业厂房改造",
        "编制东、西工业区改造提升规划，分批推进老旧工业厂房拆除重建和有机更新",
        D(2027, 6, 30),
        ["桥头镇东工业区", "桥头镇西工业区"],
        [(D(2026, 6, 30), 15)],
        [20, 25, 30, 35, 40, 45],
    ),
    (
        "tui_er_you_er",
        2,
        QIAOTOU,
        "",
        "沈海燕",
        "加快推进“退二优二”项目落地",
        "完成烟墩地块“退二优二”项目供地前期工作，签订投资协议，年底前开工",
        D(2026, 12, 4),
        [],
        [(D(2026, 6, 30), 40)],
        [50, 60, 65, 70, 80, "85:pending"],
    ),
    (
        "pengqiao_53",
        2,
        HENGHE,
        "",
        "岑伟明",
        "彭桥工业园区53家企业改造提升",
        "组建彭桥工业园区改造提升指挥部，对涉及的53家企业逐家制定改造提升方案并推进实施",
        D(2027, 3, 31),
        ["彭桥工业园区"],
        [(D(2026, 6, 30), 25)],
        [30, 35, 40, None, 50, 55],
    ),
    (
        "henghe_stock",
        2,
        HENGHE,
        "",
        "岑伟明",
        "盘活存量工业用地，提升区域产出效率",
        "梳理低效工业用地清单，通过收回、收购、合作开发等方式盘活存量用地",
        D(2026, 11, 20),
        [],
        [(D(2026, 6, 30), 30)],
        [40, 45, 50, 55, "60:c:时限将至，进度明显滞后，请说明原因并加快推进", 70],
    ),
    (
        "dunhe_projects",
        2,
        XINPU,
        "",
        "胡晓东",
        "敦和园区引进优质项目，盘活腾退空间",
        "引进报废机动车回收拆解及资源循环利用项目、交通新材料养护研发基地项目，推动园区由“沉重包袱”变为“增量空间”",
        D(2026, 11, 30),
        ["敦和园区"],
        [(D(2026, 6, 30), 40)],
        [60, 70, 80, 90, "100:close"],
    ),
    (
        "county_policy",
        3,
        None,
        "慈溪市自然资源和规划局",
        "陈立新",
        "出台工业用地项目全生命周期管理实施意见",
        "起草并出台《慈溪市工业用地项目全生命周期管理实施意见（试行）》，健全“准入—供给—监管—退出”机制",
        D(2026, 7, 31),
        [],
        [(D(2026, 7, 15), 100)],
        [],
    ),
    (
        "xinpu_rules",
        3,
        XINPU,
        "",
        "胡晓东",
        "制定《新浦镇小微园区管理办法》",
        "制定小微园区管理办法，划定最低亩均税收标准，严格限制负面清单企业入园",
        D(2026, 9, 30),
        ["敦和园区"],
        [(D(2026, 6, 30), 60)],
        [90, "100:close"],
    ),
    (
        "xinpu_ledger",
        3,
        XINPU,
        "",
        "胡晓东",
        "健全园区企业进驻、监管和退出台账",
        "建立园区企业进驻准入、日常监管和退出全过程台账，按月更新",
        D(2026, 12, 31),
        [],
        [(D(2026, 6, 30), 20)],
        [30, 40, 45, None, None, None],
    ),
    (
        "qiaotou_manage",
        3,
        QIAOTOU,
        "",
        "沈海燕",
        "加强园区日常管理，落实职能部门管理责任",
        "明确经发办、财办等职能部门园区管理职责，建立园区企业台账和巡查制度",
        D(2027, 1, 31),
        [],
        [(D(2026, 6, 30), 10)],
        [20, 30, 35, 40, "45:c:佐证材料仅为会议通知，未见园区企业台账，请补充", "55:pending"],
    ),
    (
        "henghe_watch",
        3,
        HENGHE,
        "",
        "岑伟明",
        "镇纪委监察办联合监督，跟踪整改堵点",
        "镇纪委监察办组建联合监督组，对园区改造提升和企业腾退开展跟踪监督，每月报告整改堵点",
        D(2026, 12, 18),
        [],
        [(D(2026, 6, 30), 20)],
        [30, 35, 45, 50, 55, 60],
    ),
]
# Objects of the sample registry a task concerns beyond its parks (when the registry holds them): the parcels
# of 敦和园区 being vacated and the firms whose lease there ended but who have not left (the seed's "迟迟不腾退"),
# and the land contracts of 敦和园区's idle lots granted again for new projects.
LINKS = {"dunhe_exit": ("vacating_parcels", "vacating_tenants"), "dunhe_projects": ("park_contracts",)}
# closes outside the rounds (tasks finished before reconciliation began), and the relapse
CLOSED_BEFORE_ROUNDS = {
    "yandun_demolish": D(2026, 8, 28),
    "county_action": D(2026, 6, 25),
    "county_policy": D(2026, 7, 20),
}
# The relapse: found by the 回头看 re-check of the round of RELAPSE_ROUND (0-based) on the day given, which reopens
# the task with a new deadline. Every other re-check of a reconciled round holds (未反弹); the open round's wait.
RELAPSE = (
    "pengqiao_clear",
    D(2026, 11, 5),
    D(2026, 12, 31),
    "复查发现已整治的3家“低散乱”企业在原址恢复违规生产，出现反弹",
)
RELAPSE_ROUND = 4
RECHECK_HELD = "现场复查，整改成果保持，未发现反弹"
FIRST_ROUND, ROUNDS = D(2026, 9, 1), 6
CHECKS = 86
CHECK_TOPICS = {  # by region inspected (None: the county as a whole)
    XINPU: [
        "敦和园区企业腾退进展实地督导",
        "敦和园区遗留物清理与司法调解情况督导",
        "小微园区准入管理检查",
        "敦和园区新项目引进情况检查",
    ],
    QIAOTOU: [
        "东、西工业区老旧厂房改造进展检查",
        "烟墩老废塑料市场拆除现场核查",
        "“退二优二”项目推进情况检查",
        "园区日常管理和企业台账检查",
    ],
    HENGHE: [
        "彭桥工业园区改造提升指挥部工作督查",
        "“低散乱”企业整治情况回访",
        "存量工业用地盘活情况检查",
        "镇纪委联合监督组工作督导",
    ],
    None: ["听取老旧工业区块改造提升情况汇报", "对账销号现场核查", "“腾笼换鸟”攻坚行动推进情况督导"],
}
CHECK_REGIONS = [XINPU, QIAOTOU, HENGHE, XINPU, HENGHE, QIAOTOU, None]  # None: the county
TOWN_BODIES = {XINPU: "新浦镇纪委监察办", QIAOTOU: "桥头镇纪委", HENGHE: "横河镇纪委"}
