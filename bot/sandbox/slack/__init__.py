"""A loopback stand-in of Slack, for the sandbox and the end-to-end tests: the Web API side and the signed
inbound side. Nothing here imports from tests/."""

from .scopes import METHOD_SCOPES, missing_scope, required_scopes
from .server import Call, Opening, SlackStandIn
from .signing import Response, SlackSigner

__all__ = ["METHOD_SCOPES", "Call", "Opening", "Response", "SlackSigner", "SlackStandIn", "missing_scope",
           "required_scopes"]
