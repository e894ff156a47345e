"""GA4 default channel groups, every one of them, with the Chinese platforms (sessions cg_* of the fixture)."""

import pytest

from tests.conftest import rows

EXPECTED = {
    "cg_direct": "Direct",
    "cg_cross_network": "Cross-network",
    "cg_paid_shopping": "Paid Shopping",  # taobao / cpc
    "cg_pinduoduo": "Paid Shopping",
    "cg_paid_search": "Paid Search",  # baidu / cpc
    "cg_msclkid": "Paid Search",  # msclkid auto-tag → bing / cpc
    "cg_paid_social": "Paid Social",  # 抖音 / paid_social
    "cg_weixin_paid": "Paid Social",  # weixin → wechat
    "cg_paid_video": "Paid Video",  # bilibili / cpc
    "cg_display": "Display",
    "cg_paid_other": "Paid Other",
    "cg_organic_shopping": "Organic Shopping",  # referrer item.jd.com → jd
    "cg_organic_social": "Organic Social",  # referrer www.xiaohongshu.com
    "cg_weibo_cn": "Organic Social",  # 微博 / social
    "cg_zhihu": "Organic Social",
    "cg_kuaishou": "Organic Social",  # 快手
    "cg_organic_video": "Organic Video",  # referrer v.qq.com → tencent_video, not qq
    "cg_bilibili_cn": "Organic Video",  # 哔哩哔哩
    "cg_organic_search": "Organic Search",  # referrer www.sogou.com
    "cg_360": "Organic Search",  # www.so.com
    "cg_shenma": "Organic Search",  # m.sm.cn
    "cg_referral": "Referral",
    "cg_suffix_domain": "Referral",
    "cg_email": "Email",
    "cg_affiliates": "Affiliates",
    "cg_audio": "Audio",
    "cg_sms": "SMS",
    "cg_push": "Mobile Push Notifications",
    "cg_unassigned": "Unassigned",
}


@pytest.mark.parametrize("session_id, group", sorted(EXPECTED.items()))
def test_channel_group(tiny, session_id, group):
    assert rows(tiny, "SELECT channel_group FROM marts.fct_sessions WHERE session_id = ?", [session_id]) == [(group,)]


def test_every_ga4_group_is_covered():
    ga4_groups = {"Direct", "Cross-network", "Paid Shopping", "Paid Search", "Paid Social", "Paid Video", "Display",
                  "Paid Other", "Organic Shopping", "Organic Social", "Organic Video", "Organic Search", "Referral",
                  "Email", "Affiliates", "Audio", "SMS", "Mobile Push Notifications", "Unassigned"}
    assert set(EXPECTED.values()) == ga4_groups


@pytest.mark.parametrize("session_id, source", [
    ("cg_organic_shopping", "jd"), ("cg_organic_video", "tencent_video"), ("cg_suffix_domain", "example.com.cn"),
    ("cg_referral", "example.org"), ("cg_360", "360"), ("cg_shenma", "shenma"), ("cg_paid_social", "douyin"),
])
def test_referrer_hosts_match_their_registrable_domain(tiny, session_id, source):
    assert rows(tiny, "SELECT source FROM marts.fct_sessions WHERE session_id = ?", [session_id]) == [(source,)]
