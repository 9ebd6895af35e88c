"""Vietnamese speech for a module, made offline: espeak-ng to WAV, then Opus (opusenc) and,
when an encoder is installed, MP3 (lame, or ffmpeg) for Safari before 17, which plays no Opus.

All are Debian packages (espeak-ng, opus-tools, lame); .ci/run and the Dockerfile install them.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import nh3

from markets.text import render_markdown

log = logging.getLogger(__name__)

#: Speech is speech: 16 kbit/s mono Opus keeps a minute of it near 120 KB on 3G.
OPUS_BITRATE_KBPS = 16
#: espeak-ng speaks at 175 words a minute by default; slower for people who read little.
WORDS_PER_MINUTE = 150
#: MP3 is the fallback: mono at espeak's 22.05 kHz, 24 kbit/s (MPEG-2 layer III).
MP3_BITRATE_KBPS = 24


class AudioUnavailable(RuntimeError):
    """espeak-ng or opusenc is not installed."""


@dataclass(frozen=True)
class Speech:
    data: bytes
    seconds: float
    mp3: bytes | None = None


def question_text(number: int, text: str, choices: list[str]) -> str:
    """A quiz question read out: "Câu 1. ... Lựa chọn 1: ... Lựa chọn 2: ..."."""
    spoken = [f"Câu {number}. {text}"]
    spoken += [f"Lựa chọn {i}: {choice}." for i, choice in enumerate(choices, start=1)]
    return " ".join(spoken)


def spoken_text(title: str, body: str) -> str:
    """The words to speak: the title, then the text without its markup."""
    plain = nh3.clean(render_markdown(body), tags=set())
    plain = re.sub(r"\s+", " ", plain.replace("&nbsp;", " ")).strip()
    return f"{title}. {plain}"


def text_hash(text: str) -> str:
    settings = f"{OPUS_BITRATE_KBPS}:{MP3_BITRATE_KBPS}:{WORDS_PER_MINUTE}"
    return hashlib.sha256(f"{settings}:{text}".encode()).hexdigest()


def tools_available() -> bool:
    return bool(shutil.which("espeak-ng") and shutil.which("opusenc"))


def mp3_available() -> bool:
    return bool(shutil.which("lame") or shutil.which("ffmpeg"))


def _mp3(wav: Path, out: Path) -> bytes | None:
    """The WAV as a small mono MP3, with lame or else ffmpeg; None when neither is here."""
    bitrate = str(MP3_BITRATE_KBPS)
    if lame := shutil.which("lame"):
        command = [lame, "--quiet", "-m", "m", "-b", bitrate, str(wav), str(out)]
    elif ffmpeg := shutil.which("ffmpeg"):
        command = [ffmpeg, "-loglevel", "error", "-y", "-i", str(wav), "-ac", "1"]
        command += ["-codec:a", "libmp3lame", "-b:a", f"{bitrate}k", str(out)]
    else:
        return None
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as failed:
        # The Opus file still plays on most phones: keep it rather than lose both.
        log.warning("MP3 encoding failed: %s", failed)
        return None
    return out.read_bytes()


def synthesise(text: str) -> Speech:
    """Speak `text` in Vietnamese and return it as an Ogg Opus file."""
    espeak, opusenc = shutil.which("espeak-ng"), shutil.which("opusenc")
    if not espeak or not opusenc:
        raise AudioUnavailable("espeak-ng and opusenc (opus-tools) are needed")
    with tempfile.TemporaryDirectory() as tmp:
        wav, opus = Path(tmp) / "speech.wav", Path(tmp) / "speech.opus"
        subprocess.run(  # noqa: S603 (fixed program, arguments of our own; text on stdin)
            [espeak, "-v", "vi", "-s", str(WORDS_PER_MINUTE), "--stdin", "-w", str(wav)],
            input=text.encode(),
            check=True,
            capture_output=True,
            timeout=120,
        )
        with wave.open(str(wav)) as w:
            seconds = w.getnframes() / float(w.getframerate())
        bitrate = str(OPUS_BITRATE_KBPS)
        subprocess.run(  # noqa: S603 (fixed program, arguments of our own)
            [opusenc, "--quiet", "--bitrate", bitrate, "--downmix-mono", str(wav), str(opus)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        mp3 = _mp3(wav, Path(tmp) / "speech.mp3")
        return Speech(data=opus.read_bytes(), seconds=seconds, mp3=mp3)


def audio_name(module_id: int, digest: str, extension: str = "opus", kind: str = "module") -> str:
    """A new name for each text: a cached old file is never served for a changed text."""
    return f"orientation/audio/{kind}-{module_id}-{digest[:12]}.{extension}"
