"""Loopback fake of Slack for end-to-end tests: the Web API side and the signed inbound side."""

from .server import Call, FakeSlack
from .signing import Response, SlackSigner

__all__ = ["Call", "FakeSlack", "Response", "SlackSigner"]
