"""Demo keyword rules for the district's departments, and the first training of the unit classifier
on the demo's history, so the operator sees suggestions with reasons from the first ticket.

Townships need no rules: a ticket's village already points to its township. The rules avoid words
two units share (the admin's conflict check would refuse them): 路灯 is left to the classifier,
which learns from the history whether the township or the transport bureau handles it.
"""

from hotline.models import RoutingRule, Unit
from hotline.routing import training

# unit name → keywords
RULES = {
    "区交通运输局": "公路、客运、班车、公交、桥梁、塌方、路面破损",
    "区水务局": "停水、自来水、水管、饮水、河道、水库、水渠",
    "区住房和城乡建设局": "危房、物业、建筑工地、房屋裂缝",
    "区农业农村局": "化肥、种子、农药、病虫害、兽医、耕地地力、农机",
    "区人力资源和社会保障局": "拖欠工资、欠薪、养老保险、社保、就业、技能培训",
    "区教育体育局": "学校、入学、学生、老师、幼儿园",
    "区卫生健康局": "医院、卫生院、医生、疫苗、接种",
    "区市场监督管理局": "食品安全、过期、缺斤短两、假冒、价格",
    "区自然资源局": "宅基地、林地、砍伐、滑坡、地质灾害",
    "区民政局": "低保、特困、养老院、婚姻登记、殡葬",
    "区生态环境分局": "污染、排污、噪音、噪声、黑烟、异味",
}


def load(*, now, rng):
    units = {unit.name: unit for unit in Unit.objects.filter(name__in=RULES)}
    made = 0
    for name, keywords in RULES.items():
        unit = units.get(name)
        if unit is not None and not RoutingRule.objects.filter(unit=unit).exists():
            RoutingRule.objects.create(unit=unit, keywords=keywords, note="示例规则")
            made += 1
    line = f"派单关键词规则：新增 {made} 条，共 {RoutingRule.objects.count()} 条。"
    if training.has_new_history():
        run = training.train(trigger="manual")
        if run is not None:
            line += f"派单模型 v{run.version}：{run.get_status_display()}（{run.samples} 件历史工单）。"
    else:
        line += f"派单模型：历史工单 {training.labelled_count()} 件，不足 {training.MIN_SAMPLES} 件或无新增，未训练。"
    return line
