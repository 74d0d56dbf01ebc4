"""Partnerships for completion (issue 11): the terms partners agree on; their forming, confirmation and
check-ins build on them."""
