"""Request and response bodies of registration, login, refresh and the current account."""

from __future__ import annotations

from typing import Annotated

import msgspec

from market.examples import example_body

Password = Annotated[str, msgspec.Meta(min_length=8, max_length=128, description="至少 8 位")]
DisplayName = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class ResidentRegister(msgspec.Struct, forbid_unknown_fields=True):
    phone: Annotated[str, msgspec.Meta(max_length=20, examples=["13800138000"])]
    password: Password
    display_name: DisplayName
    grid_id: int
    address: Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["和平路12号3幢2单元1203室"])]
    tags: list[str] = []


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    login: Annotated[str, msgspec.Meta(min_length=1, max_length=40, description="手机号或用户名")]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class RefreshRequest(msgspec.Struct, forbid_unknown_fields=True):
    refresh_token: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class TokenPair(msgspec.Struct):
    access_token: str
    refresh_token: str
    expires_in: int
    account_id: int
    token_type: str = "bearer"


class GrantRead(msgspec.Struct):
    role: str
    role_name: str
    area_id: int
    unit_id: int | None


class MeRead(msgspec.Struct):
    id: int
    display_name: str
    phone: str | None
    username: str | None
    grants: list[GrantRead]


ResidentRegisterBody = example_body(ResidentRegister, {'phone': '13800138000', 'password': 'a-good-password', 'display_name': '张阿姨', 'grid_id': 5, 'address': '和平路12号3幢2单元1203室', 'tags': ['living_alone']})
LoginBody = example_body(LoginRequest, {'login': '13800138000', 'password': 'a-good-password'})
RefreshBody = example_body(RefreshRequest, {'refresh_token': 'Zq3…'})
