"""Load the demo data: `python manage.py load_demo [--tickets 300] [--seed 2021]`.

A county-level district in rural Yunnan: 11 district departments, 10 townships
with their villages, a category tree, a login for every role, residents, and
about 300 tickets in every state, spread over the last four months. Tickets are
made by the real workflow (hotline.workflow) run at past instants
(`clock.at`), by the same logins that would do each step, so timelines, history
and working-hour durations look as if it had all happened. The deadline sweep's
work (reminders, 督办, closing unrated tickets) is replayed the same way, so the
real sweep finds nothing overdue to catch up on when the server starts.

Idempotent: units, villages, categories and logins are found by name (and left
as they are if they exist); the tickets are loaded once, into a database that
holds no ticket yet, so a second run adds nothing and demo tickets never mix
with real ones. Everything is one transaction, run under `clock.replaying()`:
the SMS of past events are recorded as sent through the console gateway and no
delivery task or live event is queued, so the worker does not print thousands
of old messages when it starts. The public services' demo (hotline/demo/: service
guides, pledges, product promotions) is made through their own service modules
and loaded once each, whether or not tickets exist.

Demo accounts (every password is `hotline-demo`):

| username | role | unit |
| --- | --- | --- |
| admin | superuser | - |
| operator | 话务员 operator | - |
| operator2 | 话务员 operator | - |
| supervisor | 督办/管理员 supervisor | - |
| editor | 编辑 media_editor | - |
| jt_liaison | 单位联络员 unit_liaison | 区交通运输局 |
| jt_head | 单位负责人 unit_head | 区交通运输局 |
| jt_member | 单位经办人/网格员 unit_member | 区交通运输局 |
| sw_liaison | 单位联络员 unit_liaison | 区水务局 |
| sw_head | 单位负责人 unit_head | 区水务局 |
| sw_member | 单位经办人/网格员 unit_member | 区水务局 |
| qs_liaison | 单位联络员 unit_liaison | 青山镇 |
| qs_head | 单位负责人 unit_head | 青山镇 |
| qs_member | 单位经办人/网格员 unit_member | 青山镇 |
| tq_liaison | 单位联络员 unit_liaison | 通泉街道 |
| tq_head | 单位负责人 unit_head | 通泉街道 |
| tq_member | 单位经办人/网格员 unit_member | 通泉街道 |

Every other unit has `<key>_liaison` and `<key>_head` too: zj 区住房和城乡建设局,
nn 区农业农村局, rs 区人力资源和社会保障局, jy 区教育体育局, wj 区卫生健康局,
sj 区市场监督管理局, zr 区自然资源局, mz 区民政局, hb 区生态环境分局, lt 龙潭镇,
mj 马街镇, dh 大河乡, bs 白水镇, sb 石坝乡, sl 松林镇, xj 新街镇, tj 团结乡.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, F, Min, OuterRef, Subquery
from django.utils import timezone

from hotline import clock, roles, workflow
from hotline.deadlines import WorkCalendar
from hotline.models import (
    Assignment,
    Category,
    Message,
    Resident,
    StaffProfile,
    Ticket,
    TicketEvent,
    Unit,
    Village,
)
from hotline.models.choices import (
    Channel,
    CloseReason,
    ContactMethod,
    Kind,
    Outcome,
    Priority,
    Satisfaction,
    Status,
)
from hotline.phones import normalize_phone

DEMO_PASSWORD = "hotline-demo"
DEFAULT_TICKETS = 300
DEFAULT_SEED = 2021

# --- the district ----------------------------------------------------------------

# key (login prefix), name, short name, office phone, duties
DEPARTMENTS = (
    ("jt", "区交通运输局", "交通运输局", "0874-3121001", "农村公路建设和养护、道路运输和农村客运管理、交通安全设施。"),
    ("sw", "区水务局", "水务局", "0874-3121002", "城乡供水、农村饮水安全、河道管理和水土保持。"),
    ("zj", "区住房和城乡建设局", "住建局", "0874-3121003", "农村危房改造、城镇建设、物业管理和建筑市场监管。"),
    ("nn", "区农业农村局", "农业农村局", "0874-3121004", "农业技术推广、农资管理、动物防疫、惠农补贴和农产品质量安全。"),
    ("rs", "区人力资源和社会保障局", "人社局", "0874-3121005", "就业服务、城乡居民养老保险、劳动保障监察（欠薪）和职业技能培训。"),
    ("jy", "区教育体育局", "教育体育局", "0874-3121006", "学前和义务教育、招生入学、学生资助、校园安全和全民健身。"),
    ("wj", "区卫生健康局", "卫生健康局", "0874-3121007", "医疗服务、公共卫生、预防接种和医疗机构监管。"),
    ("sj", "区市场监督管理局", "市场监管局", "0874-3121008", "食品安全、价格和计量、消费维权、市场主体登记和许可。"),
    ("zr", "区自然资源局", "自然资源局", "0874-3121009", "土地和宅基地管理、林草资源保护、地质灾害防治。"),
    ("mz", "区民政局", "民政局", "0874-3121010", "最低生活保障、特困供养、养老服务、婚姻登记和殡葬管理。"),
    ("hb", "区生态环境分局", "生态环境分局", "0874-3121011", "大气、水、土壤和噪声污染防治，生态环境执法。"),
)

# key (login prefix), name, office phone, villages and communities
TOWNSHIPS = (
    ("tq", "通泉街道", "0874-3122001", ("大龙井村", "东门社区", "西关社区", "小河村", "海子村")),
    ("qs", "青山镇", "0874-3122002", ("石门村", "青山社区", "松树村", "瓦窑村")),
    ("lt", "龙潭镇", "0874-3122003", ("龙潭社区", "黑龙村", "新田村", "马场村", "小屯村")),
    ("mj", "马街镇", "0874-3122004", ("马街社区", "三岔村", "大坡村")),
    ("dh", "大河乡", "0874-3122005", ("大河村", "河口村", "沙坝村", "上寨村")),
    ("bs", "白水镇", "0874-3122006", ("白水社区", "清水村", "岩脚村", "发达村", "竹园村", "新村村")),
    ("sb", "石坝乡", "0874-3122007", ("石坝村", "干海子村", "水井村")),
    ("sl", "松林镇", "0874-3122008", ("松林社区", "麦地村", "老厂村", "坡头村")),
    ("xj", "新街镇", "0874-3122009", ("新街社区", "大平地村", "凹子村", "羊场村", "田坝村")),
    ("tj", "团结乡", "0874-3122010", ("团结村", "大营村", "杨柳村", "小营村")),
)

TOWNSHIP_DUTIES = "辖区群众诉求的就地办理，村（社区）网格员走访和矛盾纠纷调解。"

# 事项分类: top level → second level → third-level leaves
CATEGORIES = {
    "城乡建设": {
        "道路交通": ("路灯", "道路破损", "农村客运", "交通安全设施"),
        "住房": ("农村危房改造", "物业管理"),
        "市容环卫": ("垃圾清运", "公共厕所"),
    },
    "农业农村": {
        "农资": ("化肥", "种子", "农药"),
        "农业技术": ("病虫害防治", "畜牧兽医"),
        "惠农补贴": ("耕地地力保护补贴", "农机购置补贴"),
        "农产品推广": (),
    },
    "社会保障": {
        "养老保险": (),
        "就业创业": ("就业服务", "欠薪"),
        "社会救助": ("最低生活保障", "特困供养", "高龄补贴"),
        "婚姻登记": (),
    },
    "教育": {"招生入学": (), "学生资助": (), "校园安全": (), "文体设施": ()},
    "医疗卫生": {"医疗服务": (), "疫苗接种": (), "非法行医": ()},
    "市场监管": {"食品安全": (), "价格": (), "消费维权": (), "证照办理": ()},
    "生态环境": {"污染": ("水污染", "大气污染", "噪声", "固体废物")},
    "供水": {"停水": (), "管网维修": (), "水质": (), "水费": (), "农村饮水": ()},
    "水利": {"河道管理": ()},
    "自然资源": {"土地": ("宅基地", "违法占地"), "林业": ("林木采伐", "森林防火"), "地质灾害": ()},
    "综合": {"表扬": (), "其他": ()},
}

# --- the people -----------------------------------------------------------------

# username, full name, role, unit key ("" for the hotline itself)
HOTLINE_STAFF = (
    ("operator", "李娟", roles.OPERATOR),
    ("operator2", "王敏", roles.OPERATOR),
    ("supervisor", "赵建华", roles.SUPERVISOR),
    ("editor", "陈思雨", roles.MEDIA_EDITOR),
)
MEMBER_UNITS = ("jt", "sw", "qs", "tq")  # units whose grid worker / colleague also gets a login
DOCUMENTED_UNITS = ("jt", "sw", "qs", "tq")

STAFF_NAMES = (
    "张国强", "杨丽萍", "刘永贵", "何春燕", "周德明", "罗晓梅", "黄志刚", "吴桂芬", "段成林", "孙丽华",
    "马云飞", "朱秀兰", "胡建伟", "郭海燕", "李朝文", "高红梅", "陈家富", "普文华", "钱琼芬", "蒋绍武",
    "尹丽君", "董兴旺", "邓玉仙", "彭正明", "字应昌", "沈美仙", "余树林", "苏金凤", "雷忠华", "谢文静",
    "鲁德富", "叶春花", "韩志明", "袁丽琼", "潘国华", "付有才", "姚云华", "卢海波", "赵丽芬", "保兴荣",
    "龙桂英", "施永红", "毕建国", "严秀珍", "阮家兴", "江小燕", "番学军", "孔丽萍", "包正华", "夏玉兰",
)
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高罗段普钱尹董邓彭沈余苏雷谢叶袁潘付姚卢保龙施毕严孔夏字鲁番"
GIVEN_NAMES = (
    "建国", "玉芬", "志强", "秀英", "桂兰", "明", "海燕", "德华", "红梅", "家富", "永贵", "有才", "春花", "国华",
    "丽萍", "发贵", "正明", "文华", "兴旺", "琼芬", "美仙", "绍文", "玉仙", "金凤", "树林", "云华", "忠", "朝贵",
    "应昌", "小平", "学文", "光荣", "荣华", "凤英", "开明", "天才", "福全", "翠英", "加林", "四妹",
)
MOBILE_PREFIXES = (
    "134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159", "178", "182",
    "183", "187", "188", "198", "130", "131", "132", "155", "156", "166", "175", "176", "185", "186", "133",
    "153", "173", "177", "180", "181", "189", "199",
)
CHANNEL_WEIGHTS = {Channel.PHONE: 55, Channel.SMS: 15, Channel.VOICEMAIL: 8, Channel.WEB: 12, Channel.WALK_IN: 10}
PLACE_DETAILS = ("", "一组", "二组", "三组", "路口", "小学附近", "活动广场旁", "村委会附近")


# --- what residents call about ------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """One kind of call. Texts use {village} and {town}; `unit` is a department key or "town"."""

    kind: str
    category: tuple
    unit: str
    title: str
    text: str
    reply: str = ""
    co: str = ""
    wrong: str = ""
    answer: str = ""
    source: str = ""
    urgent: bool = False
    shared: bool = False  # affects many households: others call about it too (merged duplicates)
    about_town: bool = False  # a report about the resident's own township (reported_unit)


C, H, P, R, S, E = Kind.CONSULTATION, Kind.HELP, Kind.COMPLAINT, Kind.REPORT, Kind.SUGGESTION, Kind.PRAISE

ISSUES = (
    # 咨询
    Issue(C, ("社会保障", "养老保险"), "rs", "城乡居民养老保险缴费档次和领取标准咨询",
          "来电人是{town}{village}村民，询问今年城乡居民基本养老保险有哪些缴费档次、在哪里缴，满60岁后每月能领多少钱。",
          "已电话联系来电人，解释了今年的缴费档次和政府补贴标准，告知可在村委会或{town}便民服务中心代缴，也可用手机缴费；领取待遇按缴费年限和档次核定。",
          answer="城乡居民养老保险按年缴费，档次从每年200元到5000元不等，政府按档次补贴；可在村委会代缴或用手机缴费，满60岁且缴满15年按月领取，金额由社保部门核定。",
          source="城乡居民基本养老保险参保缴费指南", wrong="mz"),
    Issue(C, ("教育", "招生入学"), "jy", "孩子今年秋季上一年级需要准备哪些材料",
          "来电人孩子满6周岁，户口在{village}，询问到{town}中心学校报名上一年级要带什么材料、什么时候报名。",
          "已联系家长，告知报名时间和所需材料（户口簿、出生证明、预防接种证查验证明），并说明按户籍就近入学{town}中心学校。",
          answer="一年级报名一般在8月中旬，按户籍或居住地就近入学；带户口簿、出生证明和预防接种证查验证明，随迁子女另带居住证明。具体时间以学校通知为准。",
          source="义务教育招生入学办事指南"),
    Issue(C, ("自然资源", "土地", "宅基地"), "zr", "农村宅基地建房审批怎么办理",
          "来电人在{village}有一块老宅基地，想拆旧房建新房，询问要办哪些手续、到哪里申请。",
          "已电话答复：农村村民建房先向村民小组申请，村委会审查公示后报{town}人民政府审批，取得乡村建设规划许可证后方可开工，并告知了所需材料。",
          co="town", wrong="zj",
          answer="农村建房先向村民小组提出申请，村委会审查公示后报乡镇人民政府审批，取得宅基地批准书和乡村建设规划许可证后才能开工；原址翻建也要审批。",
          source="农村宅基地和村民建房审批办事指南"),
    Issue(C, ("农业农村", "惠农补贴", "耕地地力保护补贴"), "nn", "耕地地力保护补贴今年什么时候发",
          "来电人询问今年的耕地地力保护补贴什么时候发、每亩补多少，说去年的补贴好像没有收到。",
          "经查询，来电人去年的补贴因一卡通账户变更未能到账，已协助{town}农业服务中心重新核对账户并补发到位。",
          answer="耕地地力保护补贴按承包耕地面积发放，通过惠农“一卡通”打卡，一般在上半年发放；可到乡镇农业服务中心查询发放情况。",
          source="惠农补贴“一卡通”发放说明", wrong="zr"),
    Issue(C, ("农业农村", "惠农补贴", "农机购置补贴"), "nn", "买微耕机能不能享受农机购置补贴",
          "来电人准备买一台微耕机，询问能否享受农机购置补贴、补多少、要带什么材料。",
          "已电话告知：该型号微耕机在补贴目录内，购机后带身份证、发票和机具铭牌照片到区农机服务站申请，补贴标准按目录执行。",
          answer="列入补贴目录的微耕机可以申请：先购机，再带身份证、购机发票和机具照片到区农机服务站申请，审核后补贴打到本人一卡通账户。",
          source="农机购置补贴申领指南"),
    Issue(C, ("社会保障", "社会救助", "最低生活保障"), "mz", "申请农村低保需要什么条件",
          "来电人丈夫因病不能劳动，两个孩子在上学，询问能不能申请低保、到哪里申请。",
          "已联系来电人讲解农村低保申请条件，告知向{town}社会事务办提出申请；{town}已安排人员入户调查。",
          co="town", wrong="rs",
          answer="家庭人均收入低于当地低保标准、财产状况符合规定的，可向户籍所在乡镇（街道）申请，经入户调查、民主评议和公示后由民政部门审批。",
          source="最低生活保障办事指南"),
    Issue(C, ("社会保障", "社会救助", "高龄补贴"), "mz", "80岁以上老人高龄津贴怎么领",
          "来电人父亲今年满80岁，询问高龄津贴怎么申请、每月多少钱。",
          "已电话告知申领流程，{village}村委会已帮助老人填报申请，审核通过后次月起按月发放。",
          answer="年满80周岁的本区户籍老人可申领高龄津贴，本人或家属带身份证、户口簿到村（社区）申报，审核后按月发放。",
          source="高龄津贴申领指南"),
    Issue(C, ("社会保障", "婚姻登记"), "mz", "办理结婚登记需要带什么材料",
          "来电人下个月结婚，询问到哪里办理结婚登记、要带什么材料、周末能不能办。",
          "已电话告知办理地点、所需材料和办公时间。",
          answer="双方本人带身份证、户口簿和近期2寸双人合影照片到区婚姻登记处办理，当场领证；工作日办公时间办理。",
          source="婚姻登记办事指南"),
    Issue(C, ("市场监管", "证照办理"), "sj", "开小吃店要办哪些证",
          "来电人想在{town}集镇开一家洋芋粑粑小吃店，询问要办哪些证照、去哪里办。",
          "已电话告知先办营业执照，再办理小餐饮登记，可在区政务服务中心市场监管窗口或网上办理，并提醒从业人员办理健康证明。",
          answer="先办营业执照，再申请食品经营许可（小餐饮可办理登记），在区政务服务中心市场监管窗口或网上办理；从业人员需有健康证明。",
          source="食品经营许可办事指南"),
    Issue(C, ("医疗卫生", "疫苗接种"), "wj", "孩子打疫苗的时间和地点咨询",
          "来电人孩子8个月，询问下一针疫苗什么时候打、在{town}卫生院能不能打。",
          "已联系家长，告知{town}卫生院预防接种门诊的接种日和预约电话。",
          answer="儿童疫苗可在乡镇卫生院预防接种门诊接种，带上预防接种证，按接种证上预约的时间前往；可先电话预约。",
          source="预防接种服务指南"),
    Issue(C, ("城乡建设", "道路交通", "农村客运"), "jt", "{town}到城区的客运班车时刻咨询",
          "来电人询问{town}到城区的客运班车每天几点有车、末班车几点。",
          "已电话告知该线路班次时刻和末班车时间。",
          answer="乡镇至城区客运班车每天7:00至18:00运营，约每40分钟一班，具体以客运站公示为准。",
          source="农村客运班线时刻表"),
    Issue(C, ("社会保障", "就业创业", "就业服务"), "rs", "有没有离家近的务工岗位和免费培训",
          "来电人45岁，在家照顾老人，询问{town}附近有没有招工信息，能不能参加免费的技能培训。",
          "已电话联系，提供了园区企业近期招工信息，并为其报名参加区人社局组织的中式烹调免费培训。",
          answer="可关注区人社局公众号和村里公布的招聘信息，也可到区公共就业服务中心登记求职；免费职业技能培训每月都有开班。",
          source="就业服务和技能培训指南"),
    Issue(C, ("供水", "水费"), "sw", "自来水费怎么缴纳",
          "来电人刚通自来水，询问水费怎么交、多少钱一吨。",
          "已电话告知水价标准和缴费方式。",
          answer="水费可在供水营业厅、银行代扣或手机缴纳，每月按抄表水量计费；对水量有疑问可申请复核。",
          source="供水缴费指南"),
    Issue(C, ("教育", "学生资助"), "jy", "家庭困难学生能申请哪些资助",
          "来电人是脱贫户，孩子在读初中，询问能申请哪些资助。",
          "已联系来电人讲解资助政策，并通知学校为其孩子办理寄宿生生活补助。",
          answer="义务教育阶段家庭经济困难寄宿生可申请生活补助，高中可申请国家助学金，由学校统一受理，带相关证明到学校申请。",
          source="学生资助政策指南"),
    Issue(C, ("农业农村", "农产品推广"), "", "想请融媒体中心帮忙推广自家苹果",
          "{village}果农今年苹果丰收，收购价低卖不出去，询问能不能在融媒体中心的抖音、快手上免费宣传。",
          answer="可以免费推广：通过热线或“办实事”平台提交推广申请，写明产品、数量、价格和联系方式，编辑审核后在抖音、快手、微信和电视上安排宣传。",
          source="特色农产品免费推广申请指南"),
    Issue(C, ("农业农村", "农产品推广"), "", "野生菌上市了，想请帮忙宣传销售",
          "来电人在{village}收购野生菌，今年菌子多，想请融媒体中心帮忙宣传，找外地买家。",
          answer="可以提交推广申请，写明品种、数量、价格和联系方式，编辑审核后安排宣传；同时提醒做好野生菌食用安全提示。",
          source="特色农产品免费推广申请指南"),
    Issue(C, ("农业农村", "农产品推广"), "", "家里养的黑山羊想找销路",
          "来电人在{village}养了30多只黑山羊，询问融媒体中心能不能帮忙宣传找买家。",
          answer="可以免费推广：提交推广申请并附上照片，编辑审核后在融媒体中心的平台发布，买家直接与您联系。",
          source="特色农产品免费推广申请指南"),
    # 求助
    Issue(H, ("供水", "停水"), "sw", "{village}已停水两天，生活用水困难",
          "{village}多户群众反映从前天起停水，没有接到停水通知，老人小孩吃水困难，希望尽快恢复供水。",
          "经查系{village}供水主管道被施工挖断，已组织抢修并于次日恢复供水；抢修期间安排送水车送水，并要求施工方今后提前报告。",
          co="town", wrong="zj", shared=True),
    Issue(H, ("供水", "管网维修"), "sw", "{village}路边自来水管爆裂",
          "{village}村口公路边自来水管爆裂，水一直往外冒，路面已经积水，请尽快派人关阀维修。",
          "抢修人员接单后1小时内到场关阀，当天完成管道更换，已恢复供水。",
          urgent=True, shared=True, wrong="jt"),
    Issue(H, ("城乡建设", "道路交通", "路灯"), "town", "{village}村口路灯不亮",
          "{village}村口到小学路段的路灯坏了一个多星期，晚上学生和老人走路看不清，担心出事。",
          "{town}已安排电工现场检修，更换了损坏的灯具和线路，路灯已恢复照明。",
          wrong="zj", shared=True),
    Issue(H, ("城乡建设", "道路交通", "道路破损"), "jt", "通往{village}的村道塌方，车辆无法通行",
          "连续下雨后，通往{village}的村道有十来米路基塌方，车辆过不去，村民出行和拉货困难。",
          "区公路养护站已调派机械清理塌方、设置警示标志，临时便道已通车，路基修复已列入水毁修复计划。",
          co="town", wrong="zr", urgent=True, shared=True),
    Issue(H, ("城乡建设", "道路交通", "道路破损"), "jt", "{village}至{town}集镇的公路坑洼多",
          "{village}到{town}集镇的公路坑坑洼洼，下雨天积水，骑摩托车经常摔跤，希望修补。",
          "区公路养护站已对该路段坑槽进行修补，共修补约120平方米，已恢复正常通行。",
          co="town", wrong="zj", shared=True),
    Issue(H, ("城乡建设", "住房", "农村危房改造"), "zj", "家中土坯房墙体开裂，申请危房改造",
          "来电人家住{village}，老土坯房墙体出现多条裂缝，雨季漏雨，家里有80多岁老人，询问能否纳入危房改造。",
          "区住建局会同{town}已入户鉴定，房屋为C级危房，来电人家庭符合条件，已纳入今年农村危房改造计划。",
          co="town", wrong="mz"),
    Issue(H, ("农业农村", "农业技术", "病虫害防治"), "nn", "玉米地出现大面积虫害，请求技术指导",
          "{village}多户村民的玉米叶子被虫吃得到处是洞，心叶里有虫粪，担心减产，请农技人员来看看。",
          "区农技推广中心技术人员已到田间查看，确认为草地贪夜蛾危害，现场指导统防统治，并免费发放了防治药剂。",
          shared=True),
    Issue(H, ("农业农村", "农业技术", "畜牧兽医"), "nn", "家里养的黑山羊接连生病，请兽医上门",
          "来电人在{village}养了40多只黑山羊，最近几只羊拉稀、不吃草，已经死了两只，请兽医上门诊治。",
          "区动物疫病预防控制中心兽医已上门诊断，系寄生虫感染，已进行驱虫治疗并指导做好圈舍消毒。",
          wrong="sj"),
    Issue(H, ("社会保障", "社会救助", "特困供养"), "mz", "村里独居老人生活困难，希望给予帮助",
          "{village}有一位70多岁的独居老人，子女在外地，腿脚不便，房子漏雨，生活比较困难，希望政府帮一帮。",
          "{town}民政助理员和村干部已上门走访，送去米油和棉被，协调修补了屋顶；经评估已为老人申请特困供养。",
          co="town"),
    Issue(H, ("供水", "农村饮水"), "sw", "{village}地势高的农户用不上水",
          "{village}地势较高的十几户人家，每天只有半夜才有一点水，白天水龙头没水，希望解决。",
          "经现场勘查，系管径偏小、用水高峰压力不足，已增设加压泵一台，高处农户已正常用水。",
          co="town", shared=True),
    Issue(H, ("城乡建设", "市容环卫", "垃圾清运"), "town", "{village}垃圾池长期无人清运",
          "{village}村口的垃圾池已经堆满，半个多月没人拉走，天热发臭，苍蝇多。",
          "{town}已安排清运车辆将积存垃圾全部清运，并与保洁公司明确每周清运两次。",
          co="hb", wrong="hb", shared=True),
    Issue(H, ("自然资源", "地质灾害"), "zr", "{village}后山出现裂缝，担心发生滑坡",
          "连续降雨后，{village}后山坡上出现一条几十米长的裂缝，下方有五户人家，村民担心滑坡。",
          "区自然资源局地灾防治人员会同{town}现场排查，已将下方5户群众临时转移安置，设置警示牌并安排专人监测。",
          co="town", urgent=True),
    Issue(H, ("医疗卫生", "医疗服务"), "wj", "被狗咬伤后卫生院没有狂犬疫苗",
          "来电人在{village}被狗咬伤，到{town}卫生院打狂犬疫苗，卫生院说没货，要跑到城里打，很不方便。",
          "已协调区疾控中心向{town}卫生院调配狂犬疫苗，现已到货，来电人已在卫生院完成接种。"),
    # 投诉
    Issue(P, ("社会保障", "就业创业", "欠薪"), "rs", "在工地务工被拖欠工资三个月",
          "来电人和同村十几个人在{town}一个建筑工地干活，包工头拖欠三个月工资共约8万元，一直推说没钱。",
          "区劳动保障监察大队已约谈施工企业和包工头，责令限期支付；企业已通过农民工工资专用账户付清拖欠工资。",
          co="zj", wrong="zj"),
    Issue(P, ("生态环境", "污染", "噪声"), "town", "{town}集镇烧烤店夜间噪音扰民",
          "{town}集镇街边几家烧烤店每天营业到凌晨两三点，喝酒划拳声音很大，周边居民休息不好。",
          "{town}会同派出所、市场监管所对烧烤店进行了劝导，要求晚上11点后停止室外经营，已签订承诺书，并安排人员回头看。",
          co="hb", wrong="hb"),
    Issue(P, ("生态环境", "污染", "水污染"), "hb", "{village}养猪场粪污直排河沟",
          "{village}上游有一家养猪场，粪水直接排到河沟里，下游臭气熏天，村民担心影响饮水和庄稼。",
          "区生态环境分局执法人员现场检查，养殖场粪污处理设施未正常运行，已责令停止排放、限期整改，并依法立案调查。",
          co="nn", wrong="nn", shared=True),
    Issue(P, ("生态环境", "污染", "大气污染"), "hb", "{village}附近采石场粉尘污染严重",
          "{village}旁边的采石场开采时灰尘很大，附近庄稼和房顶都是一层灰，运输车辆也不遮盖。",
          "执法人员现场检查后，责令采石场落实喷淋降尘、运输车辆加盖篷布，并对未落实措施的行为立案处理。",
          co="zr", wrong="zr"),
    Issue(P, ("市场监管", "食品安全"), "sj", "在{town}集市买的腊肉有异味",
          "来电人在{town}集市一个摊位买了2斤腊肉，回家发现有哈喇味、表面发黏，去找摊主不给退。",
          "{town}市场监管所已现场检查该摊位，对问题腊肉下架处理，组织双方调解，摊主已为来电人退款。"),
    Issue(P, ("市场监管", "价格"), "sj", "{town}农资店化肥价格比别处贵很多",
          "春耕期间，{town}集镇一家农资店复合肥每袋比城里贵二十多元，而且不明码标价。",
          "经检查，该店存在未明码标价问题，已责令立即整改并给予警告；同时对全镇农资门店开展价格检查。",
          co="nn", wrong="nn"),
    Issue(P, ("市场监管", "食品安全"), "sj", "村里小卖部出售过期食品",
          "来电人在{village}一家小卖部给孩子买的饼干已经过期两个月，店里还有其他过期饮料。",
          "执法人员已到该小卖部检查，查扣过期食品12件，依法立案处理，并为来电人办理了退赔。"),
    Issue(P, ("城乡建设", "住房", "物业管理"), "zj", "小区电梯经常停运，物业不管",
          "来电人住在通泉街道东门社区一个小区，电梯一个月坏了好几次，楼上老人下不了楼，物业收了费却推说没钱修。",
          "区住建局已约谈物业公司，督促其委托维保单位全面检修电梯，现已恢复运行，并要求物业公开维修资金使用情况。",
          wrong="sj"),
    Issue(P, ("城乡建设", "道路交通", "农村客运"), "jt", "客运班车不按时发车、中途甩客",
          "{town}到城区的客运班车经常不按时刻表发车，人没坐满就不走，有时还中途让乘客换车。",
          "区道路运输管理部门已约谈该客运公司，责令严格按班次时刻发车，对驾驶员进行了处理，并公布了监督电话。"),
    Issue(P, ("城乡建设", "道路交通", "道路破损"), "jt", "道路施工不设警示标志、扬尘大",
          "{village}路段道路施工，开挖后没有设置警示标志和围挡，晚上有摩托车差点掉进沟里，平时灰尘也大。",
          "已责令施工单位立即设置围挡和夜间警示灯，定时洒水降尘，并加快施工进度。",
          co="hb"),
    Issue(P, ("医疗卫生", "医疗服务"), "wj", "卫生院医生服务态度差",
          "来电人带孩子到{town}卫生院看病，医生不耐烦，问几句就发火，也没解释病情。",
          "区卫生健康局已约谈{town}卫生院负责人，对当事医生批评教育并向来电人道歉；卫生院开展了服务态度整顿。"),
    Issue(P, ("教育", "校园安全"), "jy", "学校食堂饭菜分量少、质量差",
          "家长反映{town}中心学校食堂饭菜分量少，菜里很少见肉，孩子经常吃不饱。",
          "区教育体育局会同市场监管局检查了学校食堂，督促学校按营养改善计划标准配餐，成立家长膳食委员会参与监督。",
          co="sj"),
    Issue(P, ("生态环境", "污染", "固体废物"), "hb", "有人在河边倾倒建筑垃圾",
          "最近有车辆晚上到{village}河边倾倒建筑垃圾，已经堆了一大片，下雨会冲到河里。",
          "已会同{town}清理倾倒的建筑垃圾，在河边设置监控和警示牌，并查找到倾倒车辆依法处罚。",
          co="town", wrong="sw"),
    Issue(P, ("农业农村", "农资", "化肥"), "nn", "买到的复合肥疑似假货，玉米苗不长",
          "来电人在集镇农资店买了10袋复合肥，施下去后玉米苗发黄不长，邻居说可能是假肥料。",
          "区农业综合执法大队已对该批次化肥抽样送检，养分含量不合格，已对经营者立案查处，并协调赔偿来电人损失。",
          co="sj", wrong="sj"),
    Issue(P, ("农业农村", "农资", "种子"), "nn", "买的玉米种子出苗率低",
          "来电人在{town}买的玉米种子播下去半个月了，出苗不到一半，同村几户都是这种情况。",
          "经农技人员田间鉴定，出苗率约四成，属种子质量问题，已协调种子经销商按损失赔偿。",
          shared=True),
    # 举报（总是保密）
    Issue(R, ("自然资源", "土地", "违法占地"), "zr", "举报有人占用耕地建房",
          "{village}有人在基本农田上打地基建房，已经建到一层，村里没人管。",
          "经{town}和区自然资源局现场核查，该处建房未经审批占用耕地，已下达停止违法行为通知书，责令拆除并恢复耕种条件。",
          co="town"),
    Issue(R, ("水利", "河道管理"), "sw", "举报有人在河道非法采砂",
          "{village}河段晚上有挖机和货车在河道里挖沙，河堤已经被挖坏了一段。",
          "区水务局会同公安、{town}夜间蹲守，查获非法采砂挖掘机1台，已依法立案查处，并对河道进行了修复。",
          co="zr"),
    Issue(R, ("农业农村", "农资", "农药"), "sj", "举报农资店销售假冒农药",
          "{town}集镇一家农资店卖的农药包装和正品不一样，价格便宜一半，很多农户用了没效果。",
          "执法人员检查该店，查扣涉嫌假冒农药36瓶，已抽样送检并立案调查。",
          co="nn"),
    Issue(R, ("医疗卫生", "非法行医"), "wj", "举报有人无证行医",
          "{village}有个人在家里给人打针输液，没有挂牌也没有资质，之前出过事。",
          "区卫生健康局监督执法人员会同{town}现场检查，当事人无医师资格和执业许可，已依法取缔并没收药品器械。"),
    Issue(R, ("市场监管", "食品安全"), "sj", "举报餐馆使用来路不明的食用油",
          "{town}集镇一家餐馆后厨用的油没有标签，是塑料桶装的，怀疑是地沟油。",
          "执法人员突击检查该餐馆，对无标签食用油抽样送检，检测合格但进货来源不明，已责令整改并立案处理。"),
    Issue(R, ("自然资源", "林业", "林木采伐"), "zr", "举报有人盗伐集体林木",
          "{village}后山集体林有人在砍松树，用拖拉机运走，已经砍了几十棵。",
          "区自然资源局会同森林公安现场核查，盗伐林木属实，已移送立案侦查，并组织补植。",
          co="town"),
    # 建议
    Issue(S, ("城乡建设", "道路交通", "农村客运"), "jt", "建议增开{town}至城区的晚班车",
          "{town}到城区的班车下午5点就停了，在城里打工的人晚上回不来，建议增加晚班车。",
          "区交通运输局已协调客运公司在{town}至城区线路增开18:30晚班车，已于本月起运行。"),
    Issue(S, ("城乡建设", "道路交通", "交通安全设施"), "jt", "建议在{village}小学门口设置减速带",
          "{village}小学门口就是公路，车速快，学生上下学很危险，建议设置减速带和人行横道。",
          "区交通运输局已在该校门口设置减速带2道、人行横道和警示标志，上下学时段安排护学岗。",
          co="jy"),
    Issue(S, ("教育", "文体设施"), "jy", "建议在{village}活动广场安装健身器材",
          "{village}新修了活动广场，但没有健身器材，老人和孩子没地方锻炼，建议配一些。",
          "区教育体育局已将{village}列入今年全民健身路径配送计划，健身器材已安装到位。",
          co="town"),
    Issue(S, ("城乡建设", "市容环卫", "公共厕所"), "town", "建议在{town}集镇增设公共厕所",
          "{town}赶集天人很多，集镇只有一个公厕，而且很脏，建议增设并安排人打扫。",
          "{town}已在农贸市场旁新建公厕一座，并委托保洁公司每日保洁。",
          co="zj", wrong="zj"),
    Issue(S, ("农业农村", "农业技术", "病虫害防治"), "nn", "建议多到村里开展果树种植技术培训",
          "{village}种苹果的农户多，建议农业部门到村里讲讲修枝、病虫害防治技术。",
          "区农业农村局已安排果树专家到{village}开展了两期苹果修剪和病虫害防治培训，参训群众80余人。"),
    Issue(S, ("供水", "农村饮水"), "sw", "建议给{village}最远的小组通自来水",
          "{village}最远的一个村民小组还在吃山泉水，天旱就断水，建议纳入农村饮水工程。",
          "区水务局已将该小组纳入农村供水保障工程，管网正在施工，预计年底前通水。",
          co="town"),
    # 表扬
    Issue(E, ("综合", "表扬"), "sw", "表扬区水务局抢修队连夜修复供水管道",
          "来电人表扬区水务局抢修队：前几天{village}停水，抢修队冒雨连夜抢修，第二天一早就通水了。",
          "感谢群众对我局工作的肯定，我们将继续做好供水保障和抢修服务。"),
    Issue(E, ("综合", "表扬"), "wj", "表扬{town}卫生院医护人员耐心细致",
          "来电人表扬{town}卫生院的医生护士，老人住院期间照顾得很细心，出院后还上门随访。",
          "感谢群众的肯定，已将表扬转达{town}卫生院全体医护人员。"),
    Issue(E, ("综合", "表扬"), "town", "表扬{village}村干部帮助销售滞销苹果",
          "来电人表扬{village}村干部：今年苹果滞销，村干部联系融媒体中心直播带货，帮大家卖出了几万斤苹果。",
          "感谢群众的肯定，{town}将继续做好农产品产销对接。"),
    Issue(E, ("综合", "表扬"), "jt", "表扬区公路养护站及时处置塌方",
          "来电人表扬区公路养护站，{village}村道塌方后，养护站半天就清出了便道，保证了村民出行。",
          "感谢群众的肯定，我们将继续做好农村公路养护和应急抢通工作。"),
    Issue(E, ("综合", "表扬"), "rs", "表扬区人社局帮助讨回工资",
          "来电人表扬区劳动保障监察大队，帮他们十几个农民工讨回了被拖欠的工资，赶上了秋收。",
          "感谢群众的肯定，我们将继续依法保障农民工工资支付。"),
)

# a report about the resident's own township: never dispatched to nor shown to it
REPORT_ABOUT_TOWN = Issue(
    R, ("社会保障", "社会救助", "最低生活保障"), "mz", "举报村干部在低保评定中优亲厚友",
    "{village}评低保时，村干部把自己亲戚评上了，那家有车有房，真正困难的人却没评上。",
    "区民政局会同驻区纪检监察组进行了核查，被举报的两户不符合低保条件，已取消其低保资格，并对相关村干部进行了处理。",
    about_town=True,
)

# title, description, service, note
EMERGENCIES = (
    ("{village}后山林地起火", "来电人看到{village}后山松林冒出浓烟，火势在往上蔓延。", "119",
     "已告知来电人拨打119，同时通知{town}和区森林草原防灭火指挥部。"),
    ("家中老人突然晕倒不省人事", "来电人称家中80岁老人在家突然晕倒，呼叫没有反应。", "120", "已指导来电人立即拨打120，让老人平躺。"),
    ("吃了野生菌后全家呕吐头晕", "来电人称一家四口中午吃了自己采的野生菌，下午开始呕吐、头晕。", "120",
     "已告知立即拨打120就医，并提醒保留剩余野生菌样品。"),
    ("{town}集镇路口发生交通事故有人受伤", "来电人称{town}集镇路口一辆摩托车和货车相撞，有人倒在地上。", "120",
     "已告知拨打120急救，同时拨打110报警。"),
    ("邻居因纠纷打架，有人受伤", "来电人称{village}两户邻居因宅基地纠纷打架，有人头部流血。", "110", "已告知立即拨打110报警。"),
)

# channel, title, description, reason
INVALID_CALLS = (
    (Channel.PHONE, "无声来电", "接通后无人说话，多次询问无应答后挂断。", "无声来电，无法确认诉求。"),
    (Channel.PHONE, "骚扰来电", "来电人辱骂话务员，无具体诉求。", "骚扰辱骂，无具体诉求。"),
    (Channel.SMS, "推销广告短信", "短信内容为贷款推销广告。", "广告短信，不是群众诉求。"),
    (Channel.SMS, "误发短信", "短信内容只有“在吗”，回复后无下文。", "无具体诉求，群众误发。"),
    (Channel.PHONE, "重复反映已受理事项", "来电人反映的事项与其本人前一天已受理、正在办理的工单相同。", "与本人正在办理的工单重复。"),
)

UNSATISFIED_REASONS = (
    "问题没有实际解决，只是电话里说了一下。",
    "答复和实际情况不符，现场还是老样子。",
    "办理时间太长，拖了半个月才有人来。",
    "只解决了一部分，剩下的说明年再说。",
)
REOPEN_REASONS = (
    "群众反映问题仍未解决，要求重新办理，请到现场核实处理。",
    "群众对答复不满意，请承办单位重新核实并当面答复。",
)
SEND_BACK_NOTES = (
    "答复未说明具体处理结果和完成时间，请补充后重新答复。",
    "答复未写明联系群众的情况，请联系群众核实后重新答复。",
)
EXTENSION_REASONS = (
    "需协调相关部门现场勘查并筹措维修资金，无法在期限内办结。",
    "涉及多户群众，需逐户核实情况，申请延期办理。",
    "检测结果尚未出具，需等待检测报告后再作处理。",
)
RETURN_DENY_NOTES = (
    "该事项在你单位职责清单内，请按时办理。",
    "经核实属你单位职责范围，退单理由不成立，请继续办理。",
)
PARTLY_NOTE = "部分问题需列入明年计划解决，已向群众说明。"
NOT_RESOLVABLE_REASON = "该诉求不符合现行政策规定，已向群众做好解释。"
KEPT_CLOSED_NOTE = "经核实，承办单位已按政策办理并向群众做好解释，群众诉求超出政策规定，不予重办。"
SUPERVISOR_NOTE = "群众多次来电反映，请加快办理，按时答复群众。"
CO_UNIT_NOTE = "协办意见：我单位已配合开展现场核查，相关情况已反馈主办单位。"
HAND_OVER_NOTE = "请到现场核实处理，及时反馈。"


# --- reference data (idempotent) -------------------------------------------------------


def _e164(raw):
    return normalize_phone(raw)


def load_units():
    """The departments and townships with their villages; returns units by key."""
    units = {}
    for key, name, short, phone, duties in DEPARTMENTS:
        units[key], _created = Unit.objects.get_or_create(
            name=name,
            defaults={"short_name": short, "kind": Unit.Kind.DEPARTMENT, "phone": _e164(phone), "description": duties},
        )
    for key, name, phone, villages in TOWNSHIPS:
        units[key], _created = Unit.objects.get_or_create(
            name=name,
            defaults={
                "short_name": name, "kind": Unit.Kind.TOWNSHIP, "phone": _e164(phone), "description": TOWNSHIP_DUTIES,
            },
        )
        for village in villages:
            Village.objects.get_or_create(township=units[key], name=village)
    return units


def load_categories():
    """The category tree; returns categories by path, e.g. ("城乡建设", "道路交通", "路灯")."""
    found = {}

    def node(path):
        if path not in found:
            parent = node(path[:-1]) if len(path) > 1 else None
            found[path], _created = Category.objects.get_or_create(parent=parent, name=path[-1])
        return found[path]

    for top, seconds in CATEGORIES.items():
        node((top,))
        for second, leaves in seconds.items():
            node((top, second))
            for leaf in leaves:
                node((top, second, leaf))
    return found


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    role: str  # a group name, or "" for the superuser
    unit_key: str = ""
    phone: str = ""


def demo_accounts():
    """Every demo login, in a stable order (phone numbers follow it)."""
    accounts = [Account("admin", "系统管理员", "")]
    serial = iter(range(1, 100))
    for username, name, role in HOTLINE_STAFF:
        accounts.append(Account(username, name, role, phone=f"+86139000000{next(serial):02d}"))
    names = iter(STAFF_NAMES)
    unit_keys = [d[0] for d in DEPARTMENTS] + [t[0] for t in TOWNSHIPS]
    for key in unit_keys:
        members = [("member", roles.UNIT_MEMBER)] if key in MEMBER_UNITS else []
        for suffix, role in [("liaison", roles.UNIT_LIAISON), ("head", roles.UNIT_HEAD), *members]:
            accounts.append(Account(f"{key}_{suffix}", next(names), role, key, f"+86139000000{next(serial):02d}"))
    return accounts


def load_accounts(units):
    """Create the demo logins that do not exist yet (an existing login is left as it is)."""
    User = get_user_model()
    password = None
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ALL)}
    missing = set(roles.ALL) - set(groups)
    if missing:
        raise CommandError(f"缺少角色组 {sorted(missing)}：请先运行 python manage.py migrate")
    for account in demo_accounts():
        user = User.objects.filter(username=account.username).first()
        if user is None:
            password = password or make_password(DEMO_PASSWORD)  # hashed once: it is the same for all
            user = User.objects.create(
                username=account.username,
                first_name=account.name,
                password=password,
                # the media editor works in the admin until the public features bring their pages
                is_staff=account.role in roles.HOTLINE_ROLES | {roles.MEDIA_EDITOR} or not account.role,
                is_superuser=not account.role,
            )
        if account.role:
            user.groups.add(groups[account.role])
        StaffProfile.objects.get_or_create(
            user=user, defaults={"unit": units.get(account.unit_key), "phone": account.phone}
        )


# --- the cast and the world the stories play in -------------------------------------------


def _users_by_name():
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=[a.username for a in demo_accounts()])}


@dataclass
class World:
    rng: random.Random
    now: dt.datetime
    calendar: WorkCalendar
    units: dict
    categories: dict
    users: dict
    system: object
    villages: list
    workdays: list  # working dates up to today, most recent first
    residents: list = field(default_factory=list)
    phones: set = field(default_factory=set)
    seen: set = field(default_factory=set)  # kinds and channels received so far

    def checkpoint(self):
        return list(self.residents), set(self.phones), set(self.seen)

    def restore(self, checkpoint):
        """Forget what a story rolled back to its savepoint had added."""
        residents, phones, seen = checkpoint
        self.residents, self.phones, self.seen = list(residents), set(phones), set(seen)

    # what comes in: every kind and channel early, so that a small load has them all
    def issue(self, pool):
        unseen = [issue for issue in pool if issue.kind not in self.seen]
        return self.rng.choice(unseen or pool)

    def channel(self):
        unseen = [channel for channel in CHANNEL_WEIGHTS if channel not in self.seen]
        if unseen:
            return self.rng.choice(unseen)
        return self.rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]

    # people
    def operator(self):
        return self.users[self.rng.choice(("operator", "operator2"))]

    def supervisor(self):
        return self.users["supervisor"]

    def unit_user(self, unit, suffix):
        return self.users.get(f"{self.unit_key(unit)}_{suffix}")

    def unit_key(self, unit):
        return next(key for key, value in self.units.items() if value.pk == unit.pk)

    def resident(self, *, by, moment, named=True, village=None):
        """A caller: often someone who called before, else a new resident (of `village` if given)."""
        if village is None and self.residents and self.rng.random() < 0.3:
            return self.rng.choice(self.residents)
        phone = self._new_phone()
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES) if named else ""
        resident = Resident(phone=phone, name=name, village=village or self.rng.choice(self.villages))
        resident._history_user, resident._history_date = by, moment
        resident.save()
        self.residents.append(resident)
        return resident

    def _new_phone(self):
        while True:
            phone = _e164(self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}")
            if phone not in self.phones and not Resident.objects.filter(phone=phone).exists():
                self.phones.add(phone)
                return phone

    # time
    def start_moment(self, *, ages, off_hours):
        """A moment on a working day `ages` (lo, hi) working days back, before now."""
        for _attempt in range(20):
            day = self.workdays[min(self.rng.randint(*ages), len(self.workdays) - 1)]
            moment = self._moment_on(day, off_hours=off_hours)
            if moment < self.now - dt.timedelta(minutes=15):
                return moment
        return self._moment_on(self.workdays[min(ages[1] + 1, len(self.workdays) - 1)], off_hours=False)

    def _moment_on(self, day, *, off_hours):
        if off_hours:
            minutes = self.rng.randint(7 * 60, 22 * 60 + 30)
        else:
            start, end = self.rng.choice(self.calendar.periods)
            low, high = start.hour * 60 + start.minute, end.hour * 60 + end.minute - 10
            minutes = self.rng.randint(low, high)
        at = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60, self.rng.randint(0, 59)))
        return at.replace(tzinfo=self.calendar.tz)

    def in_working_hours(self, moment):
        local = timezone.localtime(moment, self.calendar.tz)
        return self.calendar.is_workday(local.date()) and any(
            start <= local.time() < end for start, end in self.calendar.periods
        )


def _recent_workdays(calendar, now, *, days=150):
    today = timezone.localtime(now, calendar.tz).date()
    candidates = (today - dt.timedelta(days=n) for n in range(days))
    return [day for day in candidates if calendar.is_workday(day)]


# --- one story: the life of one ticket (or a ticket and its duplicate) -------------------


class Unfinished(Exception):
    """The next step would happen after now: the story stops where it is."""


class Story:
    """Runs the workflow step by step at past instants, replaying the sweep in between."""

    def __init__(self, *, world, issue, ages):
        self.w = world
        self.rng = world.rng
        self.issue = issue
        self.ages = ages
        self.cursor = None
        self.ticket_ids = []
        self.resident = None

    # -- time --------------------------------------------------------------------

    @property
    def urgent(self):
        return self.issue.urgent

    def _work(self, low, high):
        """`low`..`high` working hours after the cursor (urgent tickets: a quarter of that, on the clock)."""
        hours = self.rng.uniform(low, high)
        if self.urgent:
            return self.cursor + dt.timedelta(hours=hours / 4)
        return self.w.calendar.add_working_seconds(self.cursor, Decimal(round(hours * 3600)))

    def _toward(self, deadline, low, high):
        """A moment the fraction `low`..`high` of the way from the cursor to `deadline`."""
        share = self.rng.uniform(low, high)
        if deadline <= self.cursor:
            return self._work(0.1, 1)
        if self.urgent:
            return self.cursor + (deadline - self.cursor) * share
        span = self.w.calendar.working_seconds_between(self.cursor, deadline)
        return self.w.calendar.add_working_seconds(self.cursor, Decimal(round(span * share)))

    def _past(self, deadline, low, high):
        """`low`..`high` working hours after `deadline` (urgent: clock hours)."""
        base = max(deadline, self.cursor)
        hours = self.rng.uniform(low, high)
        if self.urgent:
            return base + dt.timedelta(hours=hours)
        return self.w.calendar.add_working_seconds(base, Decimal(round(hours * 3600)))

    def _clock(self, low_minutes, high_minutes):
        return self.cursor + dt.timedelta(minutes=self.rng.uniform(low_minutes, high_minutes))

    def _go(self, moment):
        """Move the cursor to `moment`, after replaying what the sweep did before it."""
        if self.cursor is not None and moment <= self.cursor:
            moment = self.cursor + dt.timedelta(seconds=self.rng.randint(30, 300))
        if moment > self.w.now:
            raise Unfinished
        self.catch_up(moment)
        self.cursor = moment
        return moment

    # -- the deadline sweep, replayed per ticket ---------------------------------------

    def catch_up(self, until):
        for ticket_id in self.ticket_ids:
            while (item := self._sweep_due(ticket_id)) is not None and item[0] <= until:
                self._sweep_step(ticket_id, *item, until=until)

    def _sweep_due(self, ticket_id):
        """The sweep's next step for this ticket (same rules as hotline.sweep): (when, kind, lead).

        `when` is the earliest instant a sweep could take the step: its due time, or
        the story's last step if that made it due. A reminder is only sent while its
        deadline is ahead. Only a ticket with a current lead unit has any steps: new,
        returned and closed ones have none.
        """
        lead = (
            Assignment.objects.filter(ticket_id=ticket_id, is_current=True, role=Assignment.Role.LEAD)
            .select_related("ticket", "unit").first()
        )
        if lead is None:
            return None
        ticket, steps = lead.ticket, []
        if ticket.status == Status.DISPATCHED and lead.signed_at is None:
            if lead.sign_reminded_at is None:
                steps.append((lead.sign_remind_at, "remind_sign"))
            if lead.sign_escalated_at is None:
                steps.append((lead.sign_by, "escalate_sign"))
        if ticket.status in (Status.DISPATCHED, Status.IN_PROGRESS) and lead.replied_at is None:
            if lead.reply_reminded_at is None:
                steps.append((lead.reply_remind_at, "remind_reply"))
            if lead.reply_escalated_at is None:
                steps.append((lead.reply_by, "escalate_reply"))
        awaiting_survey = ticket.reply_accepted_at and ticket.survey_sent_at and not ticket.satisfaction
        if ticket.status == Status.REPLIED and awaiting_survey:
            wait = settings.HOTLINE["SURVEY_CLOSE_WORKING_DAYS"]
            steps.append((self.w.calendar.working_days_after(ticket.survey_sent_at, wait), "auto_close"))
        due = []
        for at, kind in steps:
            when = max(at, self.cursor) if self.cursor is not None else at
            if kind.startswith("remind") and when >= self._deadline(lead, kind):
                continue  # the deadline passed first: the escalation speaks instead
            due.append((when, kind, lead))
        return min(due, key=lambda item: item[0]) if due else None

    @staticmethod
    def _deadline(lead, kind):
        return lead.sign_by if kind.endswith("sign") else lead.reply_by

    def _sweep_step(self, ticket_id, when, kind, lead, *, until):
        """Do what the sweep (run every minute) did, within a minute of `when`."""
        moment = min(when + dt.timedelta(seconds=self.rng.randint(5, 55)), until)
        if kind.startswith("remind"):
            moment = max(when, min(moment, self._deadline(lead, kind) - dt.timedelta(seconds=1)))
        self.cursor, system = moment, self.w.system  # later steps, the sweep's too, come after this one
        with clock.at(moment):
            if kind == "auto_close":
                wait = settings.HOTLINE["SURVEY_CLOSE_WORKING_DAYS"]
                workflow.close(ticket=Ticket(pk=ticket_id), by=system, note=f"回访{wait}个工作日未评价，按未评价办结")
                return
            claim = {
                "remind_sign": "sign_reminded_at", "remind_reply": "reply_reminded_at",
                "escalate_sign": "sign_escalated_at", "escalate_reply": "reply_escalated_at",
            }[kind]
            Assignment.objects.filter(pk=lead.pk).update(**{claim: moment})
            if kind.startswith("remind"):
                workflow.remind(assignment=lead, by=system, which=kind.removeprefix("remind_"))
            else:
                what = "签收" if kind == "escalate_sign" else "办结"
                deadline = timezone.localtime(self._deadline(lead, kind))
                workflow.supervise(ticket=lead.ticket, by=system, note=f"{lead.unit}超过{what}期限（{deadline:%m-%d %H:%M}）")

    def finish(self):
        """Replay the sweep up to now for every ticket of the story."""
        self.catch_up(self.w.now)

    # -- helpers -------------------------------------------------------------------

    def fresh(self, ticket):
        return Ticket.objects.select_related("village__township", "lead_unit").get(pk=ticket.pk)

    def lead(self, ticket):
        return ticket.assignments.filter(is_current=True, role=Assignment.Role.LEAD).select_related("unit").first()

    def _text(self, template, ticket=None):
        village = ticket.village if ticket is not None else self.resident.village
        return template.format(village=village.name, town=village.township.name)

    def _unit(self, key, ticket):
        return ticket.village.township if key == "town" else self.w.units[key]

    def right_unit(self, ticket):
        return self._unit(self.issue.unit, ticket)

    def wrong_unit(self, ticket):
        right = self.right_unit(ticket)
        if self.issue.wrong:
            wrong = self._unit(self.issue.wrong, ticket)
            if wrong.pk != right.pk:
                return wrong
        others = [u for u in self.w.units.values() if u.kind == Unit.Kind.DEPARTMENT and u.pk != right.pk]
        return self.rng.choice(others)

    def liaison(self, unit):
        return self.w.unit_user(unit, "liaison")

    def signer(self, unit):
        return self.w.unit_user(unit, "head") if self.rng.random() < 0.2 else self.liaison(unit)

    # -- receiving ----------------------------------------------------------------

    def receive(self, *, channel=None, moment=None, title=None, text=None, kind=None, category=None,
                priority=None, confidential=None, resident=None):
        """受理 a ticket: operators take calls and visits; SMS, voicemail and web arrive by themselves.

        `title` and `text` are templates with {village} and {town}, like the issue's.
        """
        channel = channel or self.w.channel()
        by_system = channel in (Channel.SMS, Channel.VOICEMAIL, Channel.WEB)
        if moment is None and self.cursor is None:
            moment = self.w.start_moment(ages=self.ages, off_hours=by_system and self.rng.random() < 0.35)
        elif moment is None:
            moment = self._work(0.3, 5)
        moment = self._go(moment)
        by = self.w.system if by_system else self.w.operator()
        named = not by_system or self.rng.random() < 0.6  # SMS and web often come without a name
        self.resident = resident or self.w.resident(by=by, moment=moment, named=named)
        issue = self.issue
        if confidential is None:
            confidential = not by_system and self.rng.random() < 0.08
        village = self.resident.village
        with clock.at(moment):
            ticket = workflow.receive(
                by=by, kind=kind or issue.kind, channel=channel,
                title=self._text(title or issue.title), description=self._text(text or issue.text),
                resident=self.resident, village=village,
                place=f"{village.township.name}{village.name}{self.rng.choice(PLACE_DETAILS)}",
                priority=priority or (Priority.URGENT if issue.urgent else Priority.NORMAL),
                confidential=confidential, category=category or self.w.categories[issue.category],
                reported_unit=village.township if issue.about_town else None,
            )
        self.ticket_ids.append(ticket.pk)
        self.w.seen |= {ticket.kind, channel}
        return ticket

    def receive_recent(self):
        """A ticket still waiting in the operators' queue: came in during the last hours."""
        moment = self.w.now - dt.timedelta(minutes=self.rng.uniform(5, 16 * 60))
        if self.w.in_working_hours(moment):
            channel = self.w.channel()
        else:
            channel = self.rng.choice((Channel.SMS, Channel.VOICEMAIL, Channel.WEB))
        return self.receive(channel=channel, moment=moment)

    # -- ways a new ticket ends without dispatch -------------------------------------------

    def answer(self, ticket):
        with clock.at(self._go(self._clock(2, 12))):
            workflow.answer_directly(
                ticket=ticket, by=self.w.operator(), answer=self._text(self.issue.answer, ticket),
                source=self.issue.source,
            )

    def refer(self, ticket, *, service, note):
        with clock.at(self._go(self._clock(1, 4))):
            workflow.refer_emergency(
                ticket=ticket, by=self.w.operator(), service=service, note=self._text(note, ticket)
            )

    def invalid(self, ticket, *, reason):
        with clock.at(self._go(self._work(0.05, 1.5))):
            workflow.mark_invalid(ticket=ticket, by=self.w.operator(), reason=reason)

    def merge(self, ticket, *, into):
        with clock.at(self._go(self._work(0.1, 2))):
            workflow.merge(ticket=ticket, by=self.w.operator(), into=into, note="同一事项，合并办理")

    # -- the hotline's side -------------------------------------------------------------

    def dispatch(self, ticket, *, unit=None, co=True):
        ticket = self.fresh(ticket)
        lead = unit or self.right_unit(ticket)
        co_units = []
        if co and self.issue.co and self.rng.random() < 0.6:
            partner = self._unit(self.issue.co, ticket)
            if partner.pk != lead.pk and partner.pk != ticket.reported_unit_id:
                co_units = [partner]
        with clock.at(self._go(self._work(0.05, 1.0))):
            workflow.dispatch(ticket=ticket, by=self.w.operator(), lead_unit=lead, co_units=co_units)

    def review(self, ticket, *, accept=True):
        note = "" if accept else self.rng.choice(SEND_BACK_NOTES)
        with clock.at(self._go(self._work(0.1, 3))):
            workflow.review(ticket=ticket, by=self.w.operator(), accept=accept, note=note)

    def rate(self, ticket, satisfaction, *, reason=""):
        """回访: the resident answers the survey SMS, or an operator calls back."""
        if self.rng.random() < 0.55:
            moment, by, via = self._clock(3, 300), self.w.system, "sms"
        else:
            moment, by, via = self._work(0.5, 12), self.w.operator(), "phone"
        if satisfaction == Satisfaction.UNSATISFIED:
            reason = reason or self.rng.choice(UNSATISFIED_REASONS)
        with clock.at(self._go(moment)):
            workflow.record_satisfaction(ticket=ticket, by=by, satisfaction=satisfaction, reason=reason, via=via)

    def keep_closed(self, ticket):
        with clock.at(self._go(self._work(0.5, 6))):
            workflow.add_note(ticket=ticket, by=self.w.operator(), note=KEPT_CLOSED_NOTE)

    def reopen(self, ticket):
        with clock.at(self._go(self._work(0.2, 4))):
            workflow.reopen(ticket=ticket, by=self.w.operator(), reason=self.rng.choice(REOPEN_REASONS))

    def supervise(self, ticket):
        with clock.at(self._go(self._work(1, 8))):
            workflow.supervise(ticket=ticket, by=self.w.supervisor(), note=SUPERVISOR_NOTE)

    def decide_return(self, ticket, *, approve):
        by = self.w.supervisor() if self.rng.random() < 0.2 else self.w.operator()
        note = "同意退回，改派。" if approve else self.rng.choice(RETURN_DENY_NOTES)
        with clock.at(self._go(self._work(0.2, 3))):
            workflow.decide_return(ticket=ticket, by=by, approve=approve, note=note)

    def decide_extension(self, ticket, *, approve):
        note = "同意延期，请在新期限内办结。" if approve else "该事项可在期限内办结，请按期答复。"
        with clock.at(self._go(self._work(0.3, 4))):
            workflow.decide_extension(ticket=ticket, by=self.w.supervisor(), approve=approve, note=note)

    # -- the unit's side -------------------------------------------------------------

    def sign(self, ticket, *, late=False):
        ticket = self.fresh(ticket)
        moment = self._past(ticket.sign_by, 0.3, 5) if late else self._toward(ticket.sign_by, 0.02, 0.6)
        by = self.signer(ticket.lead_unit)
        with clock.at(self._go(moment)):
            workflow.sign(ticket=ticket, by=by)

    def hand_over(self, ticket):
        """The liaison hands the ticket to the unit's grid worker, where the unit has one."""
        ticket = self.fresh(ticket)
        member = self.w.unit_user(ticket.lead_unit, "member")
        if member is None:
            return
        with clock.at(self._go(self._work(0.1, 2))):
            workflow.hand_over(ticket=ticket, by=self.liaison(ticket.lead_unit), to_user=member, note=HAND_OVER_NOTE)

    def co_note(self, ticket):
        co = ticket.assignments.filter(is_current=True, role=Assignment.Role.CO).select_related("unit").first()
        if co is None:
            return
        with clock.at(self._go(self._work(0.5, 6))):
            workflow.add_note(ticket=ticket, by=self.liaison(co.unit), note=CO_UNIT_NOTE)

    def request_return(self, ticket, *, suggest=None, share=(0.05, 0.7)):
        """退单申请 inside the return window; False (and nothing done) if the window has passed."""
        ticket = self.fresh(ticket)
        lead = self.lead(ticket)
        if self.cursor >= lead.return_by:
            return False
        suggest = suggest or self.right_unit(ticket)
        reason = f"经核实，该事项不属于我单位职责，属{suggest.name}职责范围，申请退回改派。"
        with clock.at(self._go(self._toward(lead.return_by, *share))):
            workflow.request_return(ticket=ticket, by=self.liaison(lead.unit), reason=reason, suggested_unit=suggest)
        return True

    def request_extension(self, ticket, *, share=(0.4, 0.85)):
        """延期申请 before the reply deadline; False (and nothing done) if it has passed."""
        ticket = self.fresh(ticket)
        if self.cursor >= ticket.reply_by:
            return False
        extra = self.rng.choice((2, 3, 5))
        if self.urgent:
            new_reply_by = ticket.reply_by + dt.timedelta(hours=24 * extra)
        else:
            new_reply_by = self.w.calendar.working_days_after(ticket.reply_by, extra)
        with clock.at(self._go(self._toward(ticket.reply_by, *share))):
            workflow.request_extension(
                ticket=ticket, by=self.signer(ticket.lead_unit), reason=self.rng.choice(EXTENSION_REASONS),
                new_reply_by=new_reply_by,
            )
        return True

    def reply(self, ticket, *, late=False, outcome=None, share=(0.1, 0.85)):
        """答复 after contacting the resident: `share` of the time left to the deadline, or after it if late."""
        ticket = self.fresh(ticket)
        lead = self.lead(ticket)
        moment = self._go(self._past(ticket.reply_by, 1, 12) if late else self._toward(ticket.reply_by, *share))
        since = max(lead.dispatched_at, lead.signed_at or lead.dispatched_at)
        contacted_at = since + (moment - since) * self.rng.uniform(0.3, 0.9)
        outcome = outcome or self.rng.choices(
            (Outcome.RESOLVED, Outcome.PARTLY, Outcome.NOT_RESOLVABLE), weights=(82, 13, 5)
        )[0]
        text = self._text(self.issue.reply, ticket)
        if outcome == Outcome.PARTLY:
            text += PARTLY_NOTE
        if ticket.hides_resident_from_units:
            method = ContactMethod.VIA_OPERATOR
        else:
            methods = (ContactMethod.PHONE, ContactMethod.VISIT, ContactMethod.SMS)
            method = self.rng.choices(methods, weights=(6, 3, 1))[0]
        by = lead.handler or self.liaison(lead.unit)
        with clock.at(moment):
            workflow.reply(
                ticket=ticket, by=by, text=text, outcome=outcome, contact_method=method, contacted_at=contacted_at,
                outcome_reason=NOT_RESOLVABLE_REASON if outcome == Outcome.NOT_RESOLVABLE else "",
            )

    # -- common runs -----------------------------------------------------------------

    def work_on(self, ticket, *, late_sign=False):
        """Signed, perhaps handed to the grid worker, perhaps a co-unit's note."""
        self.sign(ticket, late=late_sign)
        if self.rng.random() < 0.5:
            self.hand_over(ticket)
        if self.rng.random() < 0.5:
            self.co_note(ticket)

    def answered_and_accepted(self, ticket, *, late_sign=False, late_reply=False, outcome=None, share=(0.1, 0.85)):
        self.dispatch(ticket)
        self.work_on(ticket, late_sign=late_sign)
        self.reply(ticket, late=late_reply, outcome=outcome, share=share)
        self.review(ticket)


# --- scenarios: how each ticket's story goes -----------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    weight: int
    ages: tuple  # working days back at which the story starts
    pool: str
    run: object


SCENARIOS = []


def scenario(name, *, weight, ages=(0, 0), pool="calm"):
    def register(run):
        SCENARIOS.append(Scenario(name, weight, ages, pool, run))
        return run

    return register


def _satisfaction(rng):
    return rng.choices((Satisfaction.SATISFIED, Satisfaction.BASICALLY), weights=(7, 3))[0]


@scenario("待受理", weight=12, pool="any")
def _waiting(story):
    story.receive_recent()


@scenario("已派单待签收", weight=10, ages=(0, 1), pool="dispatch")
def _dispatched(story):
    story.dispatch(story.receive())


@scenario("超期未签收（已督办）", weight=4, ages=(2, 4))
def _unsigned_overdue(story):
    story.dispatch(story.receive())


@scenario("办理中", weight=20, ages=(0, 2), pool="dispatch")
def _in_progress(story):
    ticket = story.receive()
    story.dispatch(ticket)
    story.work_on(ticket)


@scenario("办理中已超期（已督办）", weight=5, ages=(7, 10))
def _in_progress_overdue(story):
    ticket = story.receive()
    story.dispatch(ticket)
    story.work_on(ticket)


@scenario("督办中", weight=4, ages=(2, 4))
def _supervised(story):
    ticket = story.receive()
    story.dispatch(ticket)
    story.work_on(ticket)
    story.supervise(ticket)


@scenario("延期待审批", weight=6, ages=(2, 3), pool="lengthy")
def _extension_pending(story):
    ticket = story.receive()
    story.dispatch(ticket)
    story.work_on(ticket)
    story.request_extension(ticket, share=(0.05, 0.3))


@scenario("退单待审批", weight=5, ages=(0, 1))
def _return_pending(story):
    ticket = story.receive()
    story.dispatch(ticket, unit=story.wrong_unit(story.fresh(ticket)), co=False)
    if story.rng.random() < 0.4:
        story.sign(ticket)
    story.request_return(ticket, share=(0.05, 0.3))


# at least a working day back: started this morning, the approval may still lie in the future
@scenario("已退回待改派", weight=5, ages=(1, 2))
def _returned(story):
    ticket = story.receive()
    story.dispatch(ticket, unit=story.wrong_unit(story.fresh(ticket)), co=False)
    if story.request_return(ticket, share=(0.05, 0.3)):
        story.decide_return(ticket, approve=True)


@scenario("已答复待审核", weight=12, ages=(1, 3), pool="dispatch")
def _replied(story):
    ticket = story.receive()
    story.dispatch(ticket)
    story.work_on(ticket)
    story.reply(ticket, share=(0.05, 0.3))


@scenario("审核通过待回访", weight=12, ages=(1, 2), pool="dispatch")
def _awaiting_survey(story):
    story.answered_and_accepted(story.receive(), share=(0.05, 0.25))


@scenario("满意办结", weight=70, ages=(6, 80), pool="dispatch")
def _satisfied(story):
    ticket = story.receive()
    story.answered_and_accepted(ticket, late_sign=story.rng.random() < 0.08, late_reply=story.rng.random() < 0.06)
    story.rate(ticket, Satisfaction.SATISFIED)


@scenario("基本满意办结", weight=30, ages=(6, 80), pool="dispatch")
def _basically(story):
    ticket = story.receive()
    story.answered_and_accepted(ticket, late_reply=story.rng.random() < 0.1)
    story.rate(ticket, Satisfaction.BASICALLY)


@scenario("不满意未重办", weight=6, ages=(6, 80))
def _unsatisfied_kept(story):
    ticket = story.receive()
    story.answered_and_accepted(ticket, outcome=Outcome.NOT_RESOLVABLE)
    story.rate(ticket, Satisfaction.UNSATISFIED)
    story.keep_closed(ticket)


@scenario("未评价自动办结", weight=25, ages=(10, 80), pool="dispatch")
def _unrated(story):
    story.answered_and_accepted(story.receive())


@scenario("直办", weight=25, ages=(0, 80), pool="answerable")
def _answered(story):
    ticket = story.receive(channel=story.rng.choice((Channel.PHONE, Channel.PHONE, Channel.WALK_IN)))
    story.answer(ticket)
    if story.rng.random() < 0.6:
        story.rate(ticket, _satisfaction(story.rng))


@scenario("转紧急服务", weight=4, ages=(0, 80), pool="any")
def _emergency(story):
    title, text, service, note = story.rng.choice(EMERGENCIES)
    ticket = story.receive(
        channel=Channel.PHONE, title=title, text=text, kind=Kind.HELP,
        category=story.w.categories[("综合", "其他")], priority=Priority.URGENT, confidential=False,
    )
    story.refer(ticket, service=service, note=note)


@scenario("无效工单", weight=6, ages=(0, 80), pool="any")
def _invalid(story):
    channel, title, text, reason = story.rng.choice(INVALID_CALLS)
    ticket = story.receive(
        channel=channel, title=title, text=text, kind=Kind.CONSULTATION,
        category=story.w.categories[("综合", "其他")], priority=Priority.NORMAL, confidential=False,
    )
    story.invalid(ticket, reason=reason)


@scenario("重复件合并", weight=9, ages=(4, 80), pool="shared")
def _merged(story):
    first = story.receive()
    story.dispatch(first)
    neighbour = story.w.resident(by=story.w.operator(), moment=story.cursor, village=story.resident.village)
    duplicate = story.receive(resident=neighbour, confidential=False)
    story.merge(duplicate, into=first)
    story.work_on(first)
    story.reply(first)
    story.review(first)
    story.rate(first, _satisfaction(story.rng))


@scenario("重办中", weight=5, ages=(9, 16))
def _reopened_open(story):
    ticket = story.receive()
    story.answered_and_accepted(ticket, outcome=Outcome.PARTLY)
    story.rate(ticket, Satisfaction.UNSATISFIED)
    story.reopen(ticket)
    if story.rng.random() < 0.6:
        story.sign(ticket)


@scenario("重办后办结", weight=6, ages=(12, 80))
def _reopened_closed(story):
    ticket = story.receive()
    story.answered_and_accepted(ticket, outcome=Outcome.PARTLY)
    story.rate(ticket, Satisfaction.UNSATISFIED)
    story.reopen(ticket)
    story.sign(ticket)
    story.reply(ticket, outcome=Outcome.RESOLVED)
    story.review(ticket)
    story.rate(ticket, _satisfaction(story.rng))


@scenario("退单改派后办结", weight=8, ages=(6, 80))
def _returned_redispatched(story):
    ticket = story.receive()
    story.dispatch(ticket, unit=story.wrong_unit(story.fresh(ticket)), co=False)
    if story.request_return(ticket):
        story.decide_return(ticket, approve=True)
    story.answered_and_accepted(ticket)
    story.rate(ticket, _satisfaction(story.rng))


@scenario("退单被驳回后办结", weight=3, ages=(6, 80))
def _return_denied(story):
    ticket = story.receive()
    story.dispatch(ticket)
    if story.request_return(ticket, suggest=story.wrong_unit(story.fresh(ticket))):
        story.decide_return(ticket, approve=False)
    story.work_on(ticket)
    story.reply(ticket)
    story.review(ticket)
    story.rate(ticket, _satisfaction(story.rng))


@scenario("延期后办结", weight=6, ages=(10, 80), pool="lengthy")
def _extended(story):
    ticket = story.receive()
    story.dispatch(ticket)
    story.work_on(ticket)
    if story.request_extension(ticket):
        story.decide_extension(ticket, approve=True)
    story.reply(ticket)
    story.review(ticket)
    story.rate(ticket, _satisfaction(story.rng))


@scenario("延期被驳回、超期答复", weight=3, ages=(10, 80), pool="lengthy")
def _extension_denied(story):
    ticket = story.receive()
    story.dispatch(ticket)
    story.work_on(ticket)
    if story.request_extension(ticket):
        story.decide_extension(ticket, approve=False)
    story.reply(ticket, late=True)
    story.review(ticket)
    story.rate(ticket, story.rng.choice((Satisfaction.BASICALLY, Satisfaction.SATISFIED)))


@scenario("答复被退回后重新答复", weight=5, ages=(6, 80))
def _sent_back(story):
    ticket = story.receive()
    story.dispatch(ticket)
    story.work_on(ticket)
    story.reply(ticket)
    story.review(ticket, accept=False)
    story.reply(ticket)
    story.review(ticket)
    story.rate(ticket, _satisfaction(story.rng))


@scenario("超期签收（督办）后办结", weight=5, ages=(8, 80))
def _late_sign(story):
    ticket = story.receive()
    story.answered_and_accepted(ticket, late_sign=True)
    story.rate(ticket, _satisfaction(story.rng))


@scenario("举报被举报单位所在乡镇", weight=2, ages=(6, 60), pool="about_town")
def _report_about_town(story):
    ticket = story.receive()
    story.answered_and_accepted(ticket)
    story.rate(ticket, Satisfaction.SATISFIED)


def issue_pools():
    dispatchable = [i for i in ISSUES if i.unit]
    return {
        "dispatch": dispatchable,
        "calm": [i for i in dispatchable if not i.urgent],
        "lengthy": [i for i in dispatchable if not i.urgent and i.kind != Kind.CONSULTATION],
        "answerable": [i for i in ISSUES if i.answer],
        "shared": [i for i in dispatchable if i.shared],
        "any": list(ISSUES),
        "about_town": [REPORT_ABOUT_TOWN],
    }


def scenario_plan(rng):
    """Every scenario once first (so a small load still has every state), then by weight."""
    first = list(SCENARIOS)
    rng.shuffle(first)
    yield from first
    while True:
        yield rng.choices(SCENARIOS, weights=[s.weight for s in SCENARIOS])[0]


def play(world, chosen, pool, *, attempts=4):
    """Play one scenario to its end; returns the ids of the tickets it made.

    A story whose next step would fall after now is rolled back (its savepoint)
    and played again from another start, so each state shows up whatever the
    time of day of the load; the last attempt starts a day earlier and is kept
    where it stops.
    """
    for _attempt in range(attempts - 1):
        story = Story(world=world, issue=world.issue(pool), ages=chosen.ages)
        checkpoint = world.checkpoint()
        try:
            with transaction.atomic():
                chosen.run(story)
                story.finish()
            return story.ticket_ids
        except Unfinished:
            world.restore(checkpoint)
    low, high = chosen.ages
    story = Story(world=world, issue=world.issue(pool), ages=(low + 1, high + 1))
    try:
        chosen.run(story)
    except Unfinished:
        pass  # the ticket stays in the state it reached
    story.finish()
    return story.ticket_ids


def load_tickets(world, *, count):
    """Play scenarios until `count` tickets exist; returns the new tickets' ids."""
    pools = issue_pools()
    made = []
    plan = scenario_plan(world.rng)
    while len(made) < count:
        chosen = next(plan)
        made += play(world, chosen, pools[chosen.pool])
    return made


# --- after the stories ---------------------------------------------------------------


def mark_messages_sent(*, after_id):
    """The demo's SMS happened in the past: record them as sent by the console gateway."""
    return (
        Message.objects.filter(pk__gt=after_id, direction=Message.Direction.OUTBOUND, status=Message.Status.QUEUED)
        .update(
            status=Message.Status.SENT, provider="console", sent_at=F("created_at"), attempts=1, next_attempt_at=None
        )
    )


def publish_some(world, ticket_ids, *, count=20):
    """Some answered tickets made public for Open311, each with an operator's summary, as operators would."""
    answered = (
        Ticket.objects.filter(pk__in=ticket_ids, status=Status.CLOSED, close_reason=CloseReason.RATED, confidential=False)
        .exclude(kind=Kind.REPORT)
        .select_related("category", "lead_unit")
        .order_by("closed_at")
    )
    for ticket in list(answered)[-count:]:
        summary = f"{ticket.category.name if ticket.category else ticket.get_kind_display()}：{ticket.title}（{ticket.lead_unit}办理）"
        with clock.at(ticket.closed_at + dt.timedelta(minutes=30)):
            workflow.publish(ticket=ticket, by=world.users["operator"], summary=summary)


def backdate(ticket_ids):
    """Tickets' `updated_at` and residents' `created_at` follow the stories, not the load time."""
    last_event = TicketEvent.objects.filter(ticket=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    Ticket.objects.filter(pk__in=ticket_ids).update(updated_at=Subquery(last_event))
    first_ticket = (
        Ticket.objects.filter(resident=OuterRef("pk")).order_by().values("resident")
        .annotate(first=Min("created_at")).values("first")
    )
    callers = Ticket.objects.filter(pk__in=ticket_ids).values("resident")
    Resident.objects.filter(pk__in=callers).update(created_at=Subquery(first_ticket))


def load_public_services(*, seed):
    """Promotions, pledges, service guides and keyword rules (hotline/demo/), each loaded once, and the
    unit classifier's first training; their summary lines."""
    from hotline.demo import guides, pledges, promotions, routing

    now = timezone.now()
    lines = [module.load(now=now, rng=random.Random(seed)) for module in (guides, pledges, promotions, routing)]
    return lines + [publish_last_months_ranking(now=now)]


def publish_last_months_ranking(*, now):
    """The supervisor has put last month's unit ranking on the public site (issue 7)."""
    from hotline import ranking

    last_month = (timezone.localtime(now).date().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    supervisor = get_user_model().objects.get(username="supervisor")
    ranking.publish(month=last_month, by=supervisor, now=now)
    return f"已公开 {last_month:%Y年%m月} 单位排名。"


def build_world(*, seed, units, categories):
    rng = random.Random(seed)
    calendar = WorkCalendar.load()
    now = timezone.now()
    users = _users_by_name()
    villages = list(Village.objects.filter(township__in=[u for u in units.values() if u.kind == Unit.Kind.TOWNSHIP])
                    .select_related("township").order_by("township__name", "name"))
    return World(
        rng=rng, now=now, calendar=calendar, units=units, categories=categories, users=users,
        system=workflow.system_user(), villages=villages, workdays=_recent_workdays(calendar, now),
    )


# --- the command ----------------------------------------------------------------------


class Command(BaseCommand):
    help = "载入演示数据（区直部门、乡镇、分类、各角色账号和约300件各状态的工单）；可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=DEFAULT_TICKETS, help=f"演示工单数量（默认{DEFAULT_TICKETS}）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子（默认固定，结果可重现）")
        parser.add_argument(
            "--with-debug-off", action="store_true", dest="debug_off_ok",
            help="DEBUG 关闭时也加载（演示账号的密码是公开的，只用于测试和演示机）",
        )

    def handle(self, *args, tickets, seed, debug_off_ok=False, **options):
        if not settings.DEBUG and not debug_off_ok:
            # production settings: the demo's logins have a published password
            raise CommandError("DEBUG 已关闭（生产配置）：演示数据会建立密码公开的账号，不加载。测试或演示机请加 --with-debug-off。")
        if tickets < 0:
            raise CommandError("--tickets 不能为负数。")
        started = time.monotonic()
        # Replaying the past: the workflow records its SMS and events, but no delivery
        # task is enqueued and no live event sent for moments long gone.
        with transaction.atomic(), clock.replaying():
            units = load_units()
            categories = load_categories()
            load_accounts(units)
            made = self._tickets(count=tickets, seed=seed, units=units, categories=categories)
            last_message = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            public = load_public_services(seed=seed)
            mark_messages_sent(after_id=last_message)
        self._report(made=made, seconds=time.monotonic() - started)
        for line in public:
            self.stdout.write(line)

    def _tickets(self, *, count, seed, units, categories):
        if Ticket.objects.exists():
            self.stdout.write("数据库中已有工单，不再生成演示工单（演示工单只载入空库一次）。")
            return []
        last_message = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        world = build_world(seed=seed, units=units, categories=categories)
        made = load_tickets(world, count=count)
        publish_some(world, made)
        mark_messages_sent(after_id=last_message)
        backdate(made)
        return made

    def _report(self, *, made, seconds):
        write = self.stdout.write
        write(
            f"单位 {Unit.objects.count()} 个（区直部门 {Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).count()}，"
            f"乡镇/街道 {Unit.objects.filter(kind=Unit.Kind.TOWNSHIP).count()}），村/社区 {Village.objects.count()} 个，"
            f"事项分类 {Category.objects.count()} 个，群众 {Resident.objects.count()} 人。"
        )
        if made:
            statuses = dict(Ticket.objects.filter(pk__in=made).values_list("status").annotate(n=Count("pk")))
            counts = "，".join(f"{Status(s).label} {statuses.get(s, 0)}" for s in Status.values)
            write(f"新建演示工单 {len(made)} 件（{counts}），用时 {seconds:.1f} 秒。")
        write("")
        write(accounts_table())


def accounts_table():
    """The main demo logins as a Markdown table (for the README)."""
    shown = [a for a in demo_accounts() if not a.unit_key or a.unit_key in DOCUMENTED_UNITS]
    unit_names = {key: name for key, name, *_rest in DEPARTMENTS} | {key: name for key, name, *_rest in TOWNSHIPS}
    lines = [f"演示账号（密码均为 `{DEMO_PASSWORD}`）：", "", "| 用户名 | 角色 | 单位 |", "| --- | --- | --- |"]
    for account in shown:
        role = str(roles.LABELS[account.role]) + f"（{account.role}）" if account.role else "超级用户"
        lines.append(f"| {account.username} | {role} | {unit_names.get(account.unit_key, '-')} |")
    others = "，".join(f"{key} {name}" for key, name in unit_names.items() if key not in DOCUMENTED_UNITS)
    lines += ["", f"其余单位也各有 `<缩写>_liaison`（联络员）和 `<缩写>_head`（负责人）：{others}。"]
    return "\n".join(lines)
