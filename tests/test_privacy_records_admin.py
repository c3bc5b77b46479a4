"""The records of residents' data requests are in the admin, read only, for the supervisor alone."""

import pytest

from hotline import privacy


@pytest.mark.django_db
def test_the_supervisor_reads_the_erasure_records_and_no_one_edits_them(client, people, resident):
    privacy.erase_resident(resident=resident, by=people["supervisor"], reason="本人来电申请删除")
    for role in ("supervisor", "operator"):
        people[role].is_staff = True
        people[role].save()
    client.force_login(people["supervisor"])
    page = client.get("/admin/hotline/erasurerecord/")
    assert page.status_code == 200 and "本人来电申请删除" in page.content.decode()
    assert client.get("/admin/hotline/erasurerecord/add/").status_code == 403
    client.force_login(people["operator"])
    assert client.get("/admin/hotline/erasurerecord/").status_code == 403
