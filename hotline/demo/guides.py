"""Demo service guides (办事指南) for the district's units, made through hotline.guides.

The content is illustrative (示例数据), modelled on county-level guides in Yunnan; phone numbers are
the demo units' office lines. The district has no police, medical-insurance or real-estate bureau
of its own in the demo, so those guides sit with the closest unit (the 通泉街道 service centre's
household-registration window, 人社局, 自然资源局). Most are published; two were last checked
over a year ago (flagged to their units), a few are drafts or waiting for the editor, one is withdrawn.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import F

from hotline import clock, guides
from hotline.models import ServiceGuide, Unit

SOURCE = "示例数据（参照云南省政务服务事项办事指南编写）"
OFFICE_HOURS = "工作日上午9:00—12:00，下午14:30—17:30（法定节假日除外）"
COMPLAINTS = "拨打12345政务服务便民热线，或向区政务服务管理局投诉（示例）"
CENTRE = "区政务服务中心"

# (unit key, unit name, title, category, fields, state, days since last checked)
# state: published, draft, returned (a draft the editor sent back), pending, withdrawn
GUIDES = [
    ("tq", "通泉街道", "居民身份证换领", "certificate", {
        "conditions": "居民身份证有效期满或临近期满（有效期满前3个月内可申请换领），本人须到场采集人像和指纹。",
        "materials": "1. 原居民身份证\n2. 居民户口簿\n3. 未满16周岁的，由监护人陪同并提供监护人身份证",
        "procedure": "1. 到户籍窗口取号\n2. 现场采集人像、指纹，核对信息\n3. 缴纳工本费\n4. 领取回执，按约定时间领证或选择邮寄",
        "legal_time_limit": "60日", "promised_time_limit": "20个工作日（可选择邮寄到家）",
        "fees": "工本费20元（依据：《居民身份证法》及省物价部门收费标准）；享受低保、特困供养的群众免收",
        "location": "区公安分局通泉派出所户籍窗口（通泉街道便民服务中心一楼）", "phone": "0874-3122001",
        "keywords": "身份证 换证 到期 换领 二代证",
    }, "published", 30),
    ("tq", "通泉街道", "居民身份证补领", "certificate", {
        "conditions": "居民身份证丢失或损坏的，本人到户籍所在地或居住地户籍窗口申请补领。",
        "materials": "1. 居民户口簿\n2. 损坏的身份证（损坏补领时交回）",
        "procedure": "1. 到户籍窗口说明丢失或损坏情况\n2. 采集人像、指纹\n3. 缴纳工本费\n4. 急需用证可同时申请临时居民身份证",
        "legal_time_limit": "60日", "promised_time_limit": "20个工作日；临时身份证当场办理",
        "fees": "补领工本费40元；临时居民身份证工本费10元",
        "location": "区公安分局通泉派出所户籍窗口（通泉街道便民服务中心一楼）", "phone": "0874-3122001",
        "keywords": "身份证 丢了 补办 补领 临时身份证",
    }, "published", 45),
    ("tq", "通泉街道", "户口迁移（迁入本区）", "affairs", {
        "conditions": "在本区有合法稳定住所、投靠直系亲属、升学或就业等，符合本省户籍迁移政策。",
        "materials": "1. 本人居民身份证、户口簿\n2. 房屋所有权证明或租赁合同，投靠的提供亲属关系证明\n3. 迁入地户主同意落户的书面意见",
        "procedure": "1. 向迁入地户籍窗口提出申请\n2. 窗口审核材料，符合条件的开具准予迁入证明\n3. 省内迁移由迁入地直接办理，无需回原籍开迁移证",
        "legal_time_limit": "20个工作日", "promised_time_limit": "5个工作日",
        "fees": "不收费",
        "location": "区公安分局通泉派出所户籍窗口（通泉街道便民服务中心一楼）", "phone": "0874-3122001",
        "keywords": "户口 落户 迁户口 户籍 投靠",
    }, "published", 60),
    ("mz", "区民政局", "最低生活保障申请（低保）", "affairs", {
        "conditions": "持有本区户籍，家庭人均收入低于本区最低生活保障标准，且家庭财产状况符合规定。",
        "materials": "1. 申请书（可在村委会领取）\n2. 家庭成员身份证、户口簿\n3. 家庭收入和财产情况说明\n4. 残疾、重病等情况的证明材料",
        "procedure": "1. 向户籍所在地乡镇（街道）或村（社区）提出申请\n2. 乡镇入户调查、村内民主评议\n3. 公示7天\n4. 区民政局审批，按月发放",
        "legal_time_limit": "30个工作日", "promised_time_limit": "20个工作日",
        "fees": "不收费",
        "location": "户籍所在地乡镇（街道）便民服务中心社会救助窗口", "phone": "0874-3121010",
        "keywords": "低保 最低生活保障 救助 困难 补助",
    }, "published", 20),
    ("mz", "区民政局", "结婚登记", "certificate", {
        "conditions": "男方年满22周岁、女方年满20周岁，双方自愿，均无配偶，且没有直系血亲和三代以内旁系血亲关系。",
        "materials": "1. 双方居民身份证和户口簿\n2. 双方近期半身免冠合影2寸照片3张\n3. 双方签字的《申请结婚登记声明书》（现场填写）",
        "procedure": "1. 双方本人共同到场，可在网上预约\n2. 填写声明书，登记员审查\n3. 当场颁发结婚证",
        "legal_time_limit": "当场办结", "promised_time_limit": "当场办结",
        "fees": "不收费",
        "location": f"{CENTRE}二楼婚姻登记处", "phone": "0874-3121010",
        "keywords": "结婚 结婚证 婚姻登记 领证",
    }, "published", 90),
    ("mz", "区民政局", "临时救助申请", "affairs", {
        "conditions": "因火灾、交通事故、突发重病等意外事件，家庭基本生活暂时出现严重困难的家庭或个人。",
        "materials": "1. 申请人身份证、户口簿\n2. 遭遇困难的证明（医疗费用票据、事故证明等）",
        "procedure": "1. 向乡镇（街道）提出申请，情况紧急的可先行救助\n2. 乡镇审核\n3. 审批后发放救助金或实物",
        "legal_time_limit": "15个工作日", "promised_time_limit": "紧急情况24小时内先行救助",
        "fees": "不收费",
        "location": "户籍所在地乡镇（街道）便民服务中心社会救助窗口", "phone": "0874-3121010",
        "keywords": "临时救助 急难 救助 大病 火灾",
    }, "published", 15),
    ("rs", "区人力资源和社会保障局", "社会保障卡申领和补换", "certificate", {
        "conditions": "已参加本区社会保险的人员；卡片丢失、损坏的可申请补换。",
        "materials": "1. 居民身份证\n2. 近期免冠照片（可现场拍照）\n3. 代办的提供代办人身份证",
        "procedure": "1. 到社保窗口或合作银行网点申请\n2. 采集照片、签字\n3. 即时制卡网点当场领卡，其他网点约15个工作日领卡\n4. 补换前请先电话或线上挂失",
        "legal_time_limit": "20个工作日", "promised_time_limit": "即时制卡网点当场办结",
        "fees": "首次申领免费；补换卡按银行规定收取工本费",
        "location": f"{CENTRE}一楼人社窗口，或各乡镇合作银行网点", "phone": "0874-3121005",
        "keywords": "社保卡 社会保障卡 补卡 换卡 挂失",
    }, "published", 40),
    ("rs", "区人力资源和社会保障局", "城乡居民基本养老保险参保缴费", "payment", {
        "conditions": "年满16周岁（不含在校学生），非国家机关和事业单位工作人员，未参加职工基本养老保险的本区户籍居民。",
        "materials": "1. 居民身份证或户口簿\n2. 首次参保填写参保登记表（村委会可代办）",
        "procedure": "1. 首次参保在村（社区）或乡镇办理登记\n2. 每年选择缴费档次，通过手机“云南人社”、银行网点或村级代办员缴费\n3. 年满60周岁按月领取养老金",
        "legal_time_limit": "即时办结", "promised_time_limit": "即时办结",
        "fees": "按年缴费，档次从每年200元到5000元不等，政府按档次给予缴费补贴；困难群体由政府代缴最低档次",
        "location": "户籍所在地村（社区）代办点或乡镇便民服务中心", "phone": "0874-3121005",
        "keywords": "养老保险 社保 交社保 缴费 养老金 城乡居民",
    }, "published", 25),
    ("rs", "区人力资源和社会保障局", "城乡居民基本医疗保险参保缴费（医保）", "payment", {
        "conditions": "未参加职工医保的本区户籍居民和持居住证的常住人员，以家庭为单位每年缴费。",
        "materials": "居民身份证或户口簿（新生儿凭出生医学证明和户口簿）",
        "procedure": "1. 每年集中缴费期内缴纳下一年度保费\n2. 可通过微信“云南医保”、银行网点或村级代办员缴费\n3. 缴费后次年1月1日起享受待遇",
        "legal_time_limit": "即时办结", "promised_time_limit": "即时办结",
        "fees": "按当年个人缴费标准缴纳（以当年公布为准）；特困、低保等对象个人缴费部分由政府资助",
        "location": "村（社区）代办点、乡镇便民服务中心或线上缴费", "phone": "0874-3121005",
        "keywords": "医保 医疗保险 合作医疗 交医保 缴费",
    }, "published", 10),
    ("zr", "区自然资源局", "不动产登记（农村宅基地和房屋）", "certificate", {
        "conditions": "依法取得宅基地使用权并建成房屋，权属清楚、无争议。",
        "materials": "1. 申请人身份证、户口簿\n2. 宅基地批准文件\n3. 房屋竣工和测绘资料\n4. 村委会出具的权属无争议证明",
        "procedure": "1. 向不动产登记窗口申请\n2. 受理、审核，必要时实地查看\n3. 公告15个工作日\n4. 登簿发证",
        "legal_time_limit": "30个工作日", "promised_time_limit": "15个工作日（不含公告时间）",
        "fees": "农村宅基地登记不收登记费，证书工本费按规定收取",
        "location": f"{CENTRE}三楼不动产登记窗口", "phone": "0874-3121009",
        "keywords": "不动产 房产证 宅基地 确权 登记 产权",
    }, "published", 70),
    ("nn", "区农业农村局", "农村宅基地申请", "affairs", {
        "conditions": "本村集体经济组织成员，以户为单位，符合“一户一宅”和村庄规划，原有宅基地不足规定面积或无宅基地。",
        "materials": "1. 农村宅基地和建房（规划许可）申请表\n2. 户口簿、申请人身份证\n3. 村民小组会议记录和公示材料",
        "procedure": "1. 向村民小组提出申请，小组会议讨论并公示\n2. 村委会审查后报乡镇\n3. 乡镇联审，农业农村和自然资源部门审核\n4. 批准后到现场放线，建成后验收",
        "legal_time_limit": "20个工作日（乡镇审批）", "promised_time_limit": "15个工作日",
        "fees": "不收费",
        "location": "户籍所在地乡镇（街道）便民服务中心", "phone": "0874-3121004",
        "keywords": "宅基地 建房 盖房子 农村建房 批地",
    }, "published", 50),
    ("nn", "区农业农村局", "耕地地力保护补贴申领", "affairs", {
        "conditions": "拥有耕地承包权的种地农民，耕地用于种植且未改变用途。",
        "materials": "1. 身份证\n2. 土地承包经营权证或承包合同\n3. 惠农补贴“一卡通”账号",
        "procedure": "1. 每年在村委会核实种植面积\n2. 村内公示\n3. 乡镇汇总审核\n4. 补贴资金直接发放到一卡通",
        "legal_time_limit": "按年度发放", "promised_time_limit": "按年度发放",
        "fees": "不收费",
        "location": "村委会或乡镇农业服务中心", "phone": "0874-3121004",
        "keywords": "种粮补贴 耕地补贴 惠农补贴 一卡通",
    }, "withdrawn", 200),
    ("jt", "区交通运输局", "道路运输证办理（营运车辆）", "certificate", {
        "conditions": "已取得道路运输经营许可，车辆技术等级和安全设施符合营运要求。",
        "materials": "1. 道路运输经营许可证\n2. 机动车行驶证\n3. 车辆技术等级评定报告\n4. 卫星定位装置安装证明",
        "procedure": "1. 到交通运输窗口提交材料\n2. 审核车辆资料\n3. 核发道路运输证",
        "legal_time_limit": "20个工作日", "promised_time_limit": "5个工作日",
        "fees": "不收费",
        "location": f"{CENTRE}二楼交通运输窗口", "phone": "0874-3121001",
        "keywords": "道路运输证 营运证 货车 客车 运输",
    }, "published", 420),
    ("jt", "区交通运输局", "涉路施工许可（农村公路）", "certificate", {
        "conditions": "在农村公路及其用地范围内架设、埋设管线、电缆等设施，或进行其他涉路施工。",
        "materials": "1. 申请书\n2. 施工方案和安全保障措施\n3. 施工图纸",
        "procedure": "1. 提交申请\n2. 现场勘查\n3. 审批并签订安全协议\n4. 施工完毕验收",
        "legal_time_limit": "20日", "promised_time_limit": "10个工作日",
        "fees": "不收费；损坏公路的依法赔偿",
        "location": f"{CENTRE}二楼交通运输窗口", "phone": "0874-3121001",
        "keywords": "涉路施工 挖路 管线 农村公路",
    }, "pending", 3),
    ("sj", "区市场监督管理局", "个体工商户登记", "certificate", {
        "conditions": "有经营能力的自然人，有固定经营场所。",
        "materials": "1. 经营者身份证\n2. 经营场所使用证明（房产证明或租赁合同）\n3. 可通过“云南政务服务网”或手机办理",
        "procedure": "1. 线上或窗口提交申请\n2. 材料齐全当场核准\n3. 领取营业执照（可选电子营业执照）",
        "legal_time_limit": "3个工作日", "promised_time_limit": "当场办结",
        "fees": "不收费",
        "location": f"{CENTRE}一楼市场监管窗口", "phone": "0874-3121008",
        "keywords": "营业执照 个体户 开店 工商登记 办执照",
    }, "published", 35),
    ("sj", "区市场监督管理局", "食品经营许可", "certificate", {
        "conditions": "从事食品销售和餐饮服务，有与经营品种和数量相适应的场所、设备和食品安全管理制度。",
        "materials": "1. 申请书\n2. 营业执照\n3. 经营场所平面图和设备布局\n4. 食品安全管理制度",
        "procedure": "1. 提交申请\n2. 现场核查\n3. 作出许可决定",
        "legal_time_limit": "10个工作日", "promised_time_limit": "5个工作日",
        "fees": "不收费",
        "location": f"{CENTRE}一楼市场监管窗口", "phone": "0874-3121008",
        "keywords": "食品经营许可证 餐饮 小吃店 卖食品",
    }, "returned", 5),
    ("zj", "区住房和城乡建设局", "农村危房改造申请", "affairs", {
        "conditions": "农村低收入群体（低保户、分散供养特困人员、低保边缘家庭等）住房经鉴定为C级或D级危房。",
        "materials": "1. 申请书\n2. 户口簿、身份证\n3. 低保证等身份证明\n4. 房屋现状照片",
        "procedure": "1. 农户向村委会申请\n2. 村内评议公示\n3. 乡镇审核、组织危房鉴定\n4. 区住建局审批，改造完成验收后发放补助",
        "legal_time_limit": "按年度计划办理", "promised_time_limit": "鉴定后20个工作日内审批",
        "fees": "不收费",
        "location": "户籍所在地乡镇（街道）便民服务中心", "phone": "0874-3121003",
        "keywords": "危房改造 危房 修房子 住房补助",
    }, "published", 80),
    ("jy", "区教育体育局", "生源地信用助学贷款", "affairs", {
        "conditions": "本区户籍、家庭经济困难的全日制普通高校新生和在校生。",
        "materials": "1. 学生和共同借款人身份证、户口簿\n2. 录取通知书或学生证\n3. 首次申请在“国家开发银行学生在线服务系统”提交申请",
        "procedure": "1. 网上提交申请\n2. 学生和共同借款人到资助中心现场签订合同\n3. 贷款发放到学校账户",
        "legal_time_limit": "按年度办理", "promised_time_limit": "当场签订合同",
        "fees": "不收费；在校期间利息由财政补贴",
        "location": "区教育体育局学生资助管理中心", "phone": "0874-3121006",
        "keywords": "助学贷款 上大学 学生资助 贷款",
    }, "published", 100),
    ("wj", "区卫生健康局", "预防接种证办理", "certificate", {
        "conditions": "新生儿出生后1个月内，由监护人到居住地接种单位建证。",
        "materials": "1. 出生医学证明\n2. 监护人身份证\n3. 出生时医院接种的乙肝、卡介苗记录",
        "procedure": "1. 到乡镇卫生院或社区卫生服务中心预防接种门诊\n2. 登记信息，建立接种证\n3. 按程序预约下次接种",
        "legal_time_limit": "当场办结", "promised_time_limit": "当场办结",
        "fees": "不收费；免疫规划疫苗免费接种",
        "location": "居住地乡镇卫生院预防接种门诊", "phone": "0874-3121007",
        "keywords": "疫苗 接种证 打疫苗 新生儿",
    }, "published", 500),
    ("sw", "区水务局", "城乡居民用水报装", "payment", {
        "conditions": "集中供水管网覆盖范围内的居民住户。",
        "materials": "1. 户主身份证\n2. 房屋产权证明或村委会证明",
        "procedure": "1. 向供水服务窗口申请\n2. 现场查勘并出具方案\n3. 缴纳材料费后安装水表通水",
        "legal_time_limit": "15个工作日", "promised_time_limit": "7个工作日",
        "fees": "按实际材料费收取，明码标价",
        "location": f"{CENTRE}一楼水务窗口", "phone": "0874-3121002",
        "keywords": "自来水 装水表 通水 报装 用水",
    }, "pending", 2),
    ("qs", "青山镇", "乡村建设规划许可证", "certificate", {
        "conditions": "在青山镇集体土地上新建、改建、扩建住房，已取得宅基地批准。",
        "materials": "1. 申请表\n2. 宅基地批准文件\n3. 建房设计图",
        "procedure": "1. 提交申请\n2. 镇村建设服务中心审查\n3. 核发乡村建设规划许可证",
        "legal_time_limit": "20个工作日", "promised_time_limit": "10个工作日",
        "fees": "不收费",
        "location": "青山镇便民服务中心", "phone": "0874-3122002",
        "keywords": "建房 规划许可 盖房子",
    }, "draft", 1),
]


def load(*, now, rng):
    """The demo guides, made once through hotline.guides; a one-line summary."""
    if ServiceGuide.objects.exists():
        return "办事指南：已有数据，未再生成。"
    User = get_user_model()
    editor = User.objects.get(username="editor")
    units = {unit.name: unit for unit in Unit.objects.filter(name__in={spec[1] for spec in GUIDES})}
    liaisons = {user.username: user for user in User.objects.filter(username__endswith="_liaison")}
    counts = {}
    for key, unit_name, title, category, fields, state, age in GUIDES:
        unit, liaison = units[unit_name], liaisons[f"{key}_liaison"]
        made = now - dt.timedelta(days=age, hours=rng.randint(1, 8))
        with clock.at(made):
            guide = guides.draft(
                by=liaison, unit=unit, title=title, category=category, office_hours=OFFICE_HOURS,
                complaints=COMPLAINTS, source=SOURCE, **fields,
            )
            if state != "draft":
                guides.submit(guide=guide, by=liaison)
        if state in ("published", "withdrawn"):
            with clock.at(made + dt.timedelta(hours=rng.randint(2, 30))):
                guides.publish(guide=guide, by=editor)
            views = rng.randint(20, 400) if age > 7 else rng.randint(0, 20)
            ServiceGuide.objects.filter(pk=guide.pk).update(view_count=F("view_count") + views)
        if state == "withdrawn":
            with clock.at(now - dt.timedelta(days=rng.randint(5, 20))):
                guides.withdraw(guide=guide, by=liaison, reason="本年度补贴政策调整，待新政策公布后重新发布")
        if state == "returned":
            with clock.at(made + dt.timedelta(hours=20)):
                guides.send_back(
                    guide=guide, by=editor,
                    note="请补充“收费标准与依据”的文件名称，并写明现场核查的大致时间。",
                )
        counts[state] = counts.get(state, 0) + 1
    stale = guides.stale().count()
    return (
        f"办事指南：{len(GUIDES)} 项（已发布 {counts.get('published', 0)}，待核对 {stale}，"
        f"待发布 {counts.get('pending', 0)}，草稿 {counts.get('draft', 0) + counts.get('returned', 0)}，"
        f"已下线 {counts.get('withdrawn', 0)}）。"
    )
