"""The demo's invented district: its streets, communities, grids and units."""

from __future__ import annotations

from market.vocab import UnitKind

CITY = ("demo-city", "示范市", 30.2500, 120.1600)
DISTRICT = ("demo-district", "示范区", 30.2500, 120.1600)
# street code, name, centre; then its communities (code, name, centre offset in metres east, north)
STREETS = [
    ("demo-st-donghu", "东湖街道", 30.2560, 120.1720, [
        ("demo-c-chunhui", "春晖社区", -900, 600),
        ("demo-c-hexie", "和谐社区", 700, 900),
        ("demo-c-jinxiu", "锦绣社区", 300, -800),
    ]),
    ("demo-st-xiling", "西岭街道", 30.2440, 120.1480, [
        ("demo-c-qingshan", "青山社区", -800, -500),
        ("demo-c-liuying", "柳莺社区", 600, 700),
        ("demo-c-anju", "安居社区", 900, -900),
    ]),
]
GRIDS_PER_COMMUNITY = 4

UNITS = [
    ("城管执法中队", UnitKind.DEPARTMENT),
    ("市场监管所", UnitKind.DEPARTMENT),
    ("社区警务室", UnitKind.DEPARTMENT),
    ("供电服务站", UnitKind.DEPARTMENT),
    ("自来水服务站", UnitKind.DEPARTMENT),
    ("社区卫生服务中心", UnitKind.DEPARTMENT),
    ("司法所", UnitKind.DEPARTMENT),
    ("人社服务站", UnitKind.DEPARTMENT),
    ("区教育局", UnitKind.DEPARTMENT),
    ("区税务所", UnitKind.DEPARTMENT),
    ("邻里便利超市", UnitKind.BUSINESS),
    ("安心家政服务公司", UnitKind.BUSINESS),
    ("惠民大药房", UnitKind.BUSINESS),
    ("快修家电维修部", UnitKind.BUSINESS),
    ("阳光理发店", UnitKind.BUSINESS),
    ("夕阳红志愿服务队", UnitKind.SOCIAL_ORG),
    ("知心心理服务中心", UnitKind.SOCIAL_ORG),
    ("益路同行公益社", UnitKind.SOCIAL_ORG),
    ("青苗教育志愿团", UnitKind.SOCIAL_ORG),
    ("邻里守望互助会", UnitKind.SOCIAL_ORG),
]

# Units that take part in dispatch rounds: (name, categories, skills, orders at once).
ROUND_UNITS = {
    "供电服务站": (["repair", "safety_hazard"], ["electrician"], 2),
    "快修家电维修部": (["repair"], ["appliance_repair", "electrician"], 3),
    "安心家政服务公司": (["housekeeping", "daily_help"], ["cleaning"], 3),
    "阳光理发店": (["haircut"], ["haircut"], 2),
    "夕阳红志愿服务队": (["daily_help", "elderly_disabled", "digital_help"], ["digital"], 5),
}


def offset(latitude: float, longitude: float, east_m: float, north_m: float) -> tuple[float, float]:
    """The point `east_m` east and `north_m` north of the given one (small distances)."""
    return round(latitude + north_m / 111_000, 6), round(longitude + east_m / 96_000, 6)
