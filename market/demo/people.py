"""Invented people for the demo: names, phones from a reserved range, addresses and skills."""

from __future__ import annotations

import random

# No mainland mobile number starts with 100, so demo phones can never reach a real person.
DEMO_PHONE_PREFIX = "100"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力宁宇斌浩凯鹏飞欣悦佳琪晨阳雪梅林海波志刚春燕国庆晓东永红淑珍德明"
STREET_NAMES = ["和平路", "建设路", "解放路", "新华街", "文化路", "光明街", "朝阳路", "幸福里", "长青路", "民主街"]


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def demo_phone(serial: int) -> str:
    """The serial-th demo phone: 100 followed by eight digits."""
    return f"{DEMO_PHONE_PREFIX}{serial:08d}"


def home_address(rng: random.Random, community_name: str) -> str:
    road = rng.choice(STREET_NAMES)
    return (
        f"{community_name}{road}{rng.randint(1, 199)}号"
        f"{rng.randint(1, 30)}幢{rng.randint(1, 6)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
    )


def weekly_availability(rng: random.Random) -> list[list[int]]:
    """A member with a day job: a few weekday evenings and part of the weekend, minutes of the day."""
    evenings = [[day, 18 * 60 + 30, 21 * 60] for day in sorted(rng.sample(range(5), rng.randint(1, 3)))]
    weekend = [[day, 9 * 60, 17 * 60] for day in sorted(rng.sample([5, 6], rng.randint(1, 2)))]
    return evenings + weekend


def jitter(rng: random.Random, latitude: float, longitude: float, metres: float) -> tuple[float, float]:
    """A point within about `metres` of the given one."""
    degrees = metres / 111_000
    return round(latitude + rng.uniform(-degrees, degrees), 6), round(longitude + rng.uniform(-degrees, degrees), 6)
