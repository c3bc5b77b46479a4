"""Service guides for tests, made through hotline.guides (tests/test_guide_*.py)."""

from hotline import guides

FULL = {
    "materials": "居民户口簿、原居民身份证",
    "procedure": "取号、采集人像指纹、缴费、领取回执",
    "location": "区政务服务中心一楼户籍窗口",
    "office_hours": "工作日 9:00—17:30",
    "phone": "0874-3121001",
}


def make_guide(people, unit, *, title="居民身份证换领", state="published", by="liaison", **fields):
    """A guide of `unit` drafted by people[by] and taken to `state` (draft, pending, published, withdrawn)."""
    author = people[by]
    guide = guides.draft(by=author, unit=unit, title=title, **{**FULL, **fields})
    if state == "draft":
        return guide
    guides.submit(guide=guide, by=author)
    if state != "pending":
        guides.publish(guide=guide, by=people["editor"])
    if state == "withdrawn":
        guides.withdraw(guide=guide, by=people["editor"])
    guide.refresh_from_db()
    return guide
