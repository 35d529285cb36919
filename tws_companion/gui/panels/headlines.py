"""Simulated news headlines for the news panel (no Qt here).

A fixed, deterministic set: the same headlines every run, timed back from "now". The headlines
are content, like real news, so they stay in English; the panel translates only its own words.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from tws_companion.gui.panels.prices import stable_seed
from tws_companion.layout.model import NEWS_SOURCES

__all__ = ["COMPANIES", "Headline", "matches", "simulated_headlines"]

#: Symbols the headlines are about, with the names used in them.
COMPANIES = {
    "AAPL": "Apple",
    "MSFT": "Microsoft",
    "NVDA": "Nvidia",
    "TSLA": "Tesla",
    "AMZN": "Amazon",
    "GOOGL": "Alphabet",
    "META": "Meta Platforms",
    "JPM": "JPMorgan Chase",
    "XOM": "Exxon Mobil",
    "IBM": "IBM",
    "BRK B": "Berkshire Hathaway",
    "SPY": "SPDR S&P 500 ETF",
}
_TEMPLATES = (
    "{name} shares rise {pct}% after results beat estimates",
    "{name} slips {pct}% as outlook disappoints",
    "Analyst upgrades {name} to Buy, sees {pct}% upside",
    "Analyst downgrades {name} to Hold on valuation",
    "{name} announces ${amount} billion share buyback",
    "{name} raises quarterly dividend by {pct}%",
    "Unusual call option volume in {symbol} ahead of earnings",
    "{name} names new chief financial officer",
    "{name} wins regulatory approval for new product line",
    "{name} to present at investor conference next week",
    "{name} shares active in pre-market trading",
    "Short interest in {symbol} climbs to {pct}% of float",
)


@dataclass(frozen=True)
class Headline:
    time: datetime
    #: An id of ``NEWS_SOURCES``.
    source: str
    symbol: str
    text: str


def simulated_headlines(now: datetime, count: int = 60) -> list[Headline]:
    """``count`` headlines, newest first, the newest a few minutes before ``now``."""
    # Simulated news for a demo, not security related: a seeded, reproducible generator.
    rng = random.Random(stable_seed("news"))  # noqa: S311
    symbols = sorted(COMPANIES)
    headlines = []
    moment = now.replace(second=0, microsecond=0)
    for _ in range(count):
        moment -= timedelta(minutes=rng.randrange(2, 47))
        symbol = rng.choice(symbols)
        text = rng.choice(_TEMPLATES).format(
            name=COMPANIES[symbol],
            symbol=symbol,
            pct=rng.randrange(2, 15),
            amount=rng.randrange(1, 30),
        )
        headlines.append(Headline(moment, rng.choice(NEWS_SOURCES), symbol, text))
    return headlines


def matches(headline: Headline, sources: set[str] | frozenset[str], keyword: str) -> bool:
    """Whether ``headline`` is from one of ``sources`` and mentions ``keyword`` (any case, in its
    text or symbol; an empty keyword matches all)."""
    if headline.source not in sources:
        return False
    wanted = keyword.strip().casefold()
    return not wanted or wanted in headline.text.casefold() or wanted in headline.symbol.casefold()
