"""Loopback fake of Slack for end-to-end tests: the Web API side and the signed inbound side."""

from .scopes import METHOD_SCOPES, missing_scope, required_scopes
from .server import Call, FakeSlack
from .signing import Response, SlackSigner

__all__ = ["METHOD_SCOPES", "Call", "FakeSlack", "Response", "SlackSigner", "missing_scope", "required_scopes"]
