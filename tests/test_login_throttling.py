"""Failed logins slow further attempts down, then lock the account out; a success clears the count."""

from hotline import login_throttle

def _login(client, username, password, address="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_right_password_logs_in_and_lands_on_the_role_page(client, people):
    response = _login(client, "operator", "pw-operator")
    assert response.status_code == 302
    assert client.get("/").url == "/console/"


def test_after_a_few_failures_the_next_attempt_must_wait(client, people, settings):
    for _ in range(settings.LOGIN_THROTTLE["FREE_FAILURES"]):
        response = _login(client, "operator", "wrong")
        assert response.status_code == 200
        assert "请输入一个正确的" in response.content.decode() or "correct" in response.content.decode()
    # even the right password is not checked during the wait
    response = _login(client, "operator", "pw-operator")
    assert response.status_code == 200
    assert "尝试过于频繁" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_wait_grows_and_ends(client, people, settings, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+08:00", tick=False)
    free = settings.LOGIN_THROTTLE["FREE_FAILURES"]
    for _ in range(free):
        _login(client, "operator", "wrong")
    first = login_throttle.check(username="operator", address="10.0.0.1")
    assert first.wait_seconds == 2 and not first.locked
    time_machine.shift(3)
    _login(client, "operator", "wrong")
    assert login_throttle.check(username="operator", address="10.0.0.1").wait_seconds == 4
    time_machine.shift(5)
    assert _login(client, "operator", "pw-operator").status_code == 302


def test_enough_failures_lock_the_account_out_whatever_the_address(client, people, settings, time_machine):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "MAX_DELAY_SECONDS": 1}
    time_machine.move_to("2026-03-02 10:00:00+08:00", tick=False)
    for i in range(settings.LOGIN_THROTTLE["LOCKOUT_FAILURES"]):
        _login(client, "operator", "wrong", address=f"10.0.0.{i}")
        time_machine.shift(2)
    response = _login(client, "operator", "pw-operator", address="10.9.9.9")
    assert "已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    time_machine.shift(settings.LOGIN_THROTTLE["LOCKOUT_SECONDS"])
    assert _login(client, "operator", "pw-operator", address="10.9.9.9").status_code == 302


def test_one_address_trying_many_usernames_is_locked_out(client, people, settings):
    for i in range(settings.LOGIN_THROTTLE["LOCKOUT_FAILURES_PER_ADDRESS"]):
        _login(client, f"nobody{i}", "wrong", address="10.6.6.6")
    response = _login(client, "operator", "pw-operator", address="10.6.6.6")
    assert "已暂时锁定" in response.content.decode()
    # another address is not affected
    assert _login(client, "operator", "pw-operator", address="10.7.7.7").status_code == 302


def test_a_success_clears_the_usernames_count(client, people, settings):
    for _ in range(settings.LOGIN_THROTTLE["FREE_FAILURES"] - 1):
        _login(client, "operator", "wrong")
    assert _login(client, "operator", "pw-operator").status_code == 302
    assert login_throttle.check(username="operator", address="").allowed
    client.logout()
    for _ in range(settings.LOGIN_THROTTLE["FREE_FAILURES"] - 1):
        assert _login(client, "operator", "wrong").status_code == 200
    assert _login(client, "operator", "pw-operator").status_code == 302


def test_the_admin_login_goes_through_the_same_throttled_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/admin/"


def test_behind_a_proxy_the_address_comes_from_x_forwarded_for(client, people, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(settings.LOGIN_THROTTLE["LOCKOUT_FAILURES_PER_ADDRESS"]):
        client.post(
            "/accounts/login/", {"username": f"nobody{i}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",  # the left part is forgeable
        )
    # the proxy's other clients are not locked out, only the one address that failed
    ok = client.post("/accounts/login/", {"username": "operator", "password": "pw-operator"},
                     REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert ok.status_code == 302
    client.logout()
    locked = client.post("/accounts/login/", {"username": "operator", "password": "pw-operator"},
                         REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert "已暂时锁定" in locked.content.decode()
