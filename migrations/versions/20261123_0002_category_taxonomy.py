"""Category taxonomy v1: the skills and service categories the service ships with.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

SKILLS = [
    ("electrician", "电工"),
    ("plumbing", "水暖维修"),
    ("appliance_repair", "家电维修"),
    ("carpentry", "木工"),
    ("nursing", "护理"),
    ("medical", "医疗"),
    ("first_aid", "急救"),
    ("driving", "驾驶"),
    ("counselling", "心理咨询"),
    ("legal", "法律"),
    ("tutoring", "教学辅导"),
    ("haircut", "理发"),
    ("cleaning", "保洁"),
    ("cooking", "烹饪"),
    ("sign_language", "手语"),
    ("digital", "智能设备"),
    ("mediation", "调解"),
    ("accounting", "财会"),
    ("heavy_lifting", "搬运"),
    ("companionship", "陪伴聊天"),
]

# (code, name, icon, description, implied skills)
CATEGORIES = [
    ("daily_help", "生活帮扶", "🧺", "买菜、取送物品、代缴费用等日常帮忙", []),
    ("elderly_disabled", "助老助残", "🧓", "为老人和残疾人提供上门帮助与照料", ["companionship"]),
    ("repair", "维修服务", "🔧", "水电、门窗、家电等小修小补", ["electrician"]),
    ("medical_escort", "就医陪护", "🏥", "陪同就医、代取药品、住院陪护", ["nursing"]),
    ("counselling", "心理疏导", "💬", "倾听、情绪疏导、心理支持", ["counselling"]),
    ("legal_advice", "法律咨询", "⚖️", "法律问题解答、协助维权", ["legal"]),
    ("tutoring", "教育辅导", "📚", "课业辅导、兴趣教学、四点半课堂", ["tutoring"]),
    ("sanitation", "环境卫生", "🧹", "楼道清理、垃圾分类、环境整治", ["cleaning"]),
    ("goods_wish", "物资心愿", "🎁", "书包、衣物、小家电等物品心愿", []),
    ("housekeeping", "家政服务", "🏠", "打扫卫生、整理房间、做饭", ["cleaning"]),
    ("haircut", "义剪理发", "✂️", "上门理发、集中义剪", ["haircut"]),
    ("errands", "代办跑腿", "📮", "代办证件、代取快递、跑腿办事", []),
    ("digital_help", "数字助老", "📱", "教老人使用手机、网上办事、防诈骗", ["digital"]),
    ("health_check", "健康义诊", "🩺", "量血压、测血糖、健康咨询", ["medical"]),
    ("mediation", "矛盾调解", "🤝", "邻里纠纷、家庭矛盾调解", ["mediation"]),
    ("safety_hazard", "安全隐患", "⚠️", "消防通道、电线老化、高空坠物等隐患处置", ["electrician"]),
    ("policy_advice", "政策咨询", "📋", "社保、医保、救助政策解答", []),
    ("employment", "就业帮扶", "💼", "求职指导、技能培训信息", []),
    ("moving_help", "搬运帮忙", "📦", "搬家、搬运重物", ["heavy_lifting"]),
    ("culture_sports", "文体活动", "🎵", "组织文艺演出、健身活动", []),
]


def upgrade() -> None:
    skills = sa.table("skills", sa.column("code", sa.String), sa.column("name", sa.String))
    categories = sa.table(
        "categories",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("icon", sa.String),
        sa.column("description", sa.String),
        sa.column("skills", JSON_DOCUMENT),
        sa.column("sort_order", sa.Integer),
        sa.column("is_active", sa.Boolean),
    )
    op.bulk_insert(skills, [{"code": code, "name": name} for code, name in SKILLS])
    op.bulk_insert(
        categories,
        [
            {"code": code, "name": name, "icon": icon, "description": text, "skills": implied,
             "sort_order": order, "is_active": True}
            for order, (code, name, icon, text, implied) in enumerate(CATEGORIES, start=1)
        ],
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM categories"))
    op.execute(sa.text("DELETE FROM skills"))
