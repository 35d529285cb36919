"""Simulated market data for the panels: quotes, OHLC bars and a small portfolio (no Qt here).

Every symbol follows its own deterministic random walk, seeded from the symbol: the same symbol
gives the same prices at the same tick, in every panel and every run. A tick is one second since
the :class:`SimulatedMarket` was created. The walk is kept per minute (one step a minute, cheap to
catch up after hours unseen); within a minute the price follows a Brownian bridge between the two
minute closes, seeded from the symbol and the minute, so any tick is reached without replaying
the seconds before it.

Chart bars join the two: bars since the market was created are built from the walk's minutes,
and older bars are drawn backwards from the price the walk started at, per bar size.

This is a simulation for the demo; ``random`` is fine here (nothing depends on it being secret).
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = [
    "BAR_MINUTES",
    "MAX_WALKS",
    "Bar",
    "Position",
    "Quote",
    "SimulatedMarket",
    "default_market",
    "simulated_positions",
    "stable_seed",
]

#: Minutes each bar size of the chart covers (day and week: calendar time).
BAR_MINUTES = {
    "1 min": 1,
    "5 mins": 5,
    "15 mins": 15,
    "1 hour": 60,
    "1 day": 1440,
    "1 week": 10080,
}
#: Minutes of trading a bar of each size holds (how far its price wanders).
_TRADING_MINUTES = {"1 day": 390, "1 week": 1950}
#: Standard deviation of the log price over one minute.
SIGMA_MINUTE = 0.0015
SECONDS_PER_MINUTE = 60
#: Symbols whose walks are kept (a watchlist scrolled end to end must not keep 20,000).
MAX_WALKS = 1024


def stable_seed(*parts: object) -> int:
    """A seed from ``parts`` that is the same in every run (unlike ``hash()``)."""
    text = "\x1f".join(str(part) for part in parts)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _rng(*parts: object) -> random.Random:
    # Simulated prices for a demo, not security related: a seeded, reproducible generator.
    return random.Random(stable_seed(*parts))  # noqa: S311


def _cents(value: float) -> float:
    return round(value, 2)


@dataclass(frozen=True)
class Quote:
    """A symbol's simulated quote at one tick."""

    symbol: str
    last: float
    bid: float
    ask: float
    #: Against the previous close.
    change: float
    change_pct: float
    #: Shares traded today.
    volume: int

    def value(self, column: str) -> float | int | None:
        """The value of a watchlist column (an id of ``WATCHLIST_COLUMNS``), ``None`` if unknown."""
        values: dict[str, float | int] = {
            "last": self.last,
            "change": self.change,
            "change_pct": self.change_pct,
            "bid": self.bid,
            "ask": self.ask,
            "volume": self.volume,
        }
        return values.get(column)


@dataclass(frozen=True)
class Bar:
    """One OHLC bar; ``start`` is local wall-clock time."""

    start: datetime
    open: float
    high: float
    low: float
    close: float
    volume: int


class _Walk:
    """One symbol's walk: a close per minute, and the path within a minute on demand."""

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self._rng = _rng("walk", symbol)
        self.open = _cents(10 ** self._rng.uniform(0.8, 2.7))
        self.previous_close = _cents(self.open * math.exp(self._rng.gauss(0.0, 0.012)))
        self.opening_volume = int(10 ** self._rng.uniform(4.0, 6.0))
        #: Average shares traded a minute.
        self.volume_rate = 10 ** self._rng.uniform(2.5, 4.5)
        #: Log price at the start of each minute (the close of the minute before).
        self._log_closes = [math.log(self.open)]
        #: Shares traded before the start of each minute.
        self._volume_before = [0]
        self._minute_volumes: list[int] = []
        self._path_minute = -1
        self._path: list[float] = []
        self._minute_bars: list[tuple[float, float, float, float]] = []
        #: The last quote asked for, with its tick.
        self.quote: tuple[int, Quote] | None = None

    def _extend(self, minute: int) -> None:
        """Walk on until the close of ``minute`` is known."""
        while len(self._log_closes) <= minute + 1:
            step = self._rng.gauss(0.0, SIGMA_MINUTE)
            volume = int(self.volume_rate * self._rng.uniform(0.3, 1.7))
            self._log_closes.append(self._log_closes[-1] + step)
            self._minute_volumes.append(volume)
            self._volume_before.append(self._volume_before[-1] + volume)

    def path(self, minute: int) -> list[float]:
        """Prices at each second 0..60 of ``minute`` (a bridge between its two closes)."""
        if minute != self._path_minute:
            self._extend(minute)
            start, end = self._log_closes[minute], self._log_closes[minute + 1]
            rng = _rng("bridge", self.symbol, minute)
            sigma = SIGMA_MINUTE / math.sqrt(SECONDS_PER_MINUTE)
            free = [0.0]
            for _ in range(SECONDS_PER_MINUTE):
                free.append(free[-1] + rng.gauss(0.0, sigma))
            last = free[-1]
            path = []
            for second, wander in enumerate(free):
                share = second / SECONDS_PER_MINUTE
                path.append(math.exp(start + share * (end - start) + wander - share * last))
            self._path_minute, self._path = minute, path
        return self._path

    def price(self, tick: int) -> float:
        minute, second = divmod(tick, SECONDS_PER_MINUTE)
        return _cents(self.path(minute)[second])

    def volume(self, tick: int) -> int:
        minute, second = divmod(tick, SECONDS_PER_MINUTE)
        self._extend(minute)
        partial = self._minute_volumes[minute] * second // SECONDS_PER_MINUTE
        return self.opening_volume + self._volume_before[minute] + partial

    def minute_bar(self, minute: int, up_to_second: int) -> tuple[float, float, float, float, int]:
        """Open, high, low, close and volume of ``minute`` up to a second of it."""
        if up_to_second == SECONDS_PER_MINUTE and minute < len(self._minute_bars):
            open_, high, low, close = self._minute_bars[minute]
        else:
            prices = [_cents(price) for price in self.path(minute)[: up_to_second + 1]]
            open_, high, low, close = prices[0], max(prices), min(prices), prices[-1]
            if up_to_second == SECONDS_PER_MINUTE and minute == len(self._minute_bars):
                self._minute_bars.append((open_, high, low, close))
        self._extend(minute)
        volume = self._minute_volumes[minute] * up_to_second // SECONDS_PER_MINUTE
        return open_, high, low, close, volume


def _bucket_start(moment: datetime, bar_size: str) -> datetime:
    """The start of the bar of ``bar_size`` that holds ``moment``."""
    minutes = BAR_MINUTES[bar_size]
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if bar_size == "1 week":
        return day - timedelta(days=day.weekday())
    if bar_size == "1 day":
        return day
    into_day = (moment - day) // timedelta(minutes=1)
    return day + timedelta(minutes=into_day - into_day % minutes)


def _previous_start(start: datetime, bar_size: str) -> datetime:
    """The start of the bar before the one starting at ``start`` (days skip weekends)."""
    if bar_size == "1 day":
        before = start - timedelta(days=1)
        while before.weekday() >= 5:  # Saturday or Sunday
            before -= timedelta(days=1)
        return before
    return start - timedelta(minutes=BAR_MINUTES[bar_size])


class SimulatedMarket:
    """Deterministic simulated prices; one tick is one second of ``clock`` since creation.

    ``clock`` (monotonic seconds) and ``start`` (wall-clock time of tick 0) can be given, for
    tests and for markets that must agree.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        start: datetime | None = None,
    ) -> None:
        self._clock = clock
        self._origin = clock()
        started = start or datetime.now()
        #: Wall-clock time of tick 0, on a whole minute (minutes of the walk are clock minutes).
        self.start = started.replace(second=0, microsecond=0)
        #: Walks of the symbols seen lately (a walk is rebuilt, identical, after eviction).
        self._walks: OrderedDict[str, _Walk] = OrderedDict()

    @property
    def symbols_kept(self) -> int:
        """How many symbols' walks the market holds in memory now."""
        return len(self._walks)

    def tick(self) -> int:
        """Seconds since the market was created."""
        return max(0, int(self._clock() - self._origin))

    def _walk(self, symbol: str) -> _Walk:
        walk = self._walks.get(symbol)
        if walk is None:
            walk = self._walks[symbol] = _Walk(symbol)
            if len(self._walks) > MAX_WALKS:
                self._walks.popitem(last=False)
        else:
            self._walks.move_to_end(symbol)
        return walk

    def quote(self, symbol: str, tick: int | None = None) -> Quote:
        """``symbol``'s quote at ``tick`` (now if ``None``)."""
        at = self.tick() if tick is None else tick
        walk = self._walk(symbol)
        if walk.quote is not None and walk.quote[0] == at:
            return walk.quote[1]
        last = walk.price(at)
        half_spread = max(0.01, _cents(last * 0.0002))
        change = _cents(last - walk.previous_close)
        quote = Quote(
            symbol=symbol,
            last=last,
            bid=_cents(last - half_spread),
            ask=_cents(last + half_spread),
            change=change,
            change_pct=round(100.0 * change / walk.previous_close, 2),
            volume=walk.volume(at),
        )
        walk.quote = (at, quote)
        return quote

    def opening_price(self, symbol: str) -> float:
        """The price at tick 0."""
        return self._walk(symbol).open

    def bars(self, symbol: str, bar_size: str, count: int, tick: int | None = None) -> list[Bar]:
        """The last ``count`` bars of ``bar_size`` (a key of :data:`BAR_MINUTES`) up to ``tick``;
        the last bar is still forming and closes at the quote's last price."""
        if bar_size not in BAR_MINUTES:
            raise ValueError(f"unknown bar size {bar_size!r}")
        at = self.tick() if tick is None else tick
        walk = self._walk(symbol)
        recent = self._session_bars(walk, bar_size, at)[-count:] if count > 0 else []
        missing = count - len(recent)
        if missing <= 0:
            return recent
        first_start = recent[0].start if recent else _bucket_start(self.start, bar_size)
        return self._history(walk, bar_size, first_start, missing) + recent

    def _session_bars(self, walk: _Walk, bar_size: str, tick: int) -> list[Bar]:
        """Bars built from the walk's minutes since tick 0."""
        last_minute, last_second = divmod(tick, SECONDS_PER_MINUTE)
        bars: list[Bar] = []
        start: datetime | None = None
        open_ = high = low = close = 0.0
        volume = 0
        for minute in range(last_minute + 1):
            up_to = last_second if minute == last_minute else SECONDS_PER_MINUTE
            o, h, lo, c, v = walk.minute_bar(minute, up_to)
            bucket = _bucket_start(self.start + timedelta(minutes=minute), bar_size)
            if bucket != start:
                if start is not None:
                    bars.append(Bar(start, open_, high, low, close, volume))
                start, open_, high, low, volume = bucket, o, h, lo, 0
            high, low, close, volume = max(high, h), min(low, lo), c, volume + v
        if start is not None:
            bars.append(Bar(start, open_, high, low, close, volume))
        return bars

    def _history(self, walk: _Walk, bar_size: str, before: datetime, count: int) -> list[Bar]:
        """``count`` bars before the one starting at ``before``, drawn backwards from the open."""
        rng = _rng("history", walk.symbol, bar_size)
        minutes = _TRADING_MINUTES.get(bar_size, BAR_MINUTES[bar_size])
        sigma = SIGMA_MINUTE * math.sqrt(minutes)
        close = walk.open
        start = before
        bars: list[Bar] = []
        for _ in range(count):
            start = _previous_start(start, bar_size)
            open_ = _cents(close * math.exp(-rng.gauss(0.0, sigma)))
            high = _cents(max(open_, close) * math.exp(abs(rng.gauss(0.0, sigma * 0.4))))
            low = _cents(min(open_, close) * math.exp(-abs(rng.gauss(0.0, sigma * 0.4))))
            volume = int(walk.volume_rate * minutes * rng.uniform(0.5, 1.5))
            bars.append(Bar(start, open_, high, low, close, volume))
            close = open_
        bars.reverse()
        return bars


_DEFAULT: SimulatedMarket | None = None


def default_market() -> SimulatedMarket:
    """The market every panel shares unless given another (so their prices agree)."""
    global _DEFAULT  # one shared simulated market for the whole app
    if _DEFAULT is None:
        _DEFAULT = SimulatedMarket()
    return _DEFAULT


# --- Portfolio -----------------------------------------------------------------------------

#: The simulated account's symbols; the ones listed in ``_CLOSED`` were sold out today.
_HOLDINGS = ("AAPL", "MSFT", "SPY", "NVDA", "TSLA", "IBM", "XOM", "GLD", "QQQ", "BRK B", "JPM")
_CLOSED = frozenset({"IBM", "GLD", "JPM"})


@dataclass(frozen=True)
class Position:
    """One simulated position, valued at a quote."""

    symbol: str
    position: int
    avg_price: float
    market_value: float
    unrealized_pnl: float
    realized_pnl: float

    def value(self, column: str) -> float | int | None:
        """The value of a portfolio column (an id of ``PORTFOLIO_COLUMNS``), ``None`` if unknown."""
        values: dict[str, float | int] = {
            "position": self.position,
            "avg_price": self.avg_price,
            "market_value": self.market_value,
            "unrealized_pnl": self.unrealized_pnl,
            "realized_pnl": self.realized_pnl,
        }
        return values.get(column)


def simulated_positions(market: SimulatedMarket, tick: int | None = None) -> list[Position]:
    """The simulated account's positions valued at ``tick`` (closed ones have position 0)."""
    positions = []
    for symbol in _HOLDINGS:
        rng = _rng("position", symbol)
        size = rng.choice((-1, 1, 1, 1)) * rng.randrange(1, 40) * 25
        if symbol in _CLOSED:
            size = 0
        avg_price = _cents(market.opening_price(symbol) * math.exp(rng.gauss(0.0, 0.08)))
        realized = _cents(rng.gauss(0.0, 800.0)) if symbol in _CLOSED or rng.random() < 0.3 else 0
        last = market.quote(symbol, tick).last
        positions.append(
            Position(
                symbol=symbol,
                position=size,
                avg_price=avg_price if size else 0.0,
                market_value=_cents(size * last),
                unrealized_pnl=_cents(size * (last - avg_price)) if size else 0.0,
                realized_pnl=float(realized),
            )
        )
    return positions
