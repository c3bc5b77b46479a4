"""Throttling for anonymous clients (per address) and per user, rates from the environment
(API_THROTTLE_ANON, API_THROTTLE_USER → REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]).

DRF binds the rates when its throttle classes are imported; these read them per request,
so a changed setting (tests, a reload) takes effect.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _LiveRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_LiveRate, AnonRateThrottle):
    pass


class UserThrottle(_LiveRate, UserRateThrottle):
    pass
