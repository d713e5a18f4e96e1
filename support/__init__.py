"""Helpers the tests, the benches and the scripts share: drawings as a canvas sends them, finding or starting real
services (Redis, Chromium), our own Numbers API server, a browser-like HTTP client. Never imported by the site."""
