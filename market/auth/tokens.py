"""Access tokens (JWT, 15 minutes, naming the login session) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from market.errors import NotAuthenticated

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
ALGORITHM = "HS256"


@dataclass(frozen=True)
class AccessClaims:
    account_id: int
    session_id: int


def issue_access_token(secret: str, account_id: int, session_id: int, now: datetime) -> str:
    claims = {"sub": str(account_id), "sid": session_id, "iat": int(now.timestamp()),
              "exp": int((now + ACCESS_TTL).timestamp())}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_access_token(secret: str, token: str, now: datetime) -> AccessClaims:
    """The claims of a valid, unexpired token; expiry is judged by the service's clock, not the host's."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM],
                            # Time is judged below by the service's clock, never by the host's: not exp, not iat.
                            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                                     "require": ["sub", "sid", "exp"]})
        expires = int(claims["exp"])
        account_id, session_id = int(claims["sub"]), int(claims["sid"])
    except (jwt.PyJWTError, ValueError, TypeError):
        raise NotAuthenticated("登录凭证无效，请重新登录") from None
    if now.timestamp() >= expires:
        raise NotAuthenticated("登录已过期，请重新登录")
    return AccessClaims(account_id, session_id)


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def refresh_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
