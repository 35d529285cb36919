"""Measuring the WAV files the voice gateway writes."""

from __future__ import annotations

import array
import math
import sys
import wave
from pathlib import Path


def wav_stats(path: Path) -> tuple[float, float, int]:
    """Duration in seconds, RMS and peak amplitude of a 16-bit mono WAV file."""
    with wave.open(str(path), "rb") as wav:
        assert wav.getsampwidth() == 2
        assert wav.getnchannels() == 1
        frames = wav.getnframes()
        rate = wav.getframerate()
        samples = array.array("h", wav.readframes(frames))
    if sys.byteorder == "big":
        samples.byteswap()
    assert len(samples) == frames > 0
    rms = math.sqrt(sum(sample * sample for sample in samples) / len(samples))
    return frames / rate, rms, max(abs(sample) for sample in samples)
