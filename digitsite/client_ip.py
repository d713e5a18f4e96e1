"""The client's IP address as DRF's throttle reads it: X-Forwarded-For only behind NUM_PROXIES proxies."""
from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR when NUM_PROXIES is 0; else the address the outermost of our proxies saw (DRF's get_ident)."""
    remote_addr = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    num_proxies = settings.NUM_PROXIES
    if not num_proxies or not forwarded:
        return remote_addr
    addresses = forwarded.split(",")
    return addresses[-min(num_proxies, len(addresses))].strip()
