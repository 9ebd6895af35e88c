"""Vietnamese speech for a module, made offline: espeak-ng to WAV, then Opus (opusenc).

Both are Debian packages (espeak-ng, opus-tools); .ci/run installs them.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import nh3

from markets.text import render_markdown

#: Speech is speech: 16 kbit/s mono Opus keeps a minute of it near 120 KB on 3G.
OPUS_BITRATE_KBPS = 16
#: espeak-ng speaks at 175 words a minute by default; slower for people who read little.
WORDS_PER_MINUTE = 150


class AudioUnavailable(RuntimeError):
    """espeak-ng or opusenc is not installed."""


@dataclass(frozen=True)
class Speech:
    data: bytes
    seconds: float


def spoken_text(title: str, body: str) -> str:
    """The words to speak: the title, then the text without its markup."""
    plain = nh3.clean(render_markdown(body), tags=set())
    plain = re.sub(r"\s+", " ", plain.replace("&nbsp;", " ")).strip()
    return f"{title}. {plain}"


def text_hash(text: str) -> str:
    return hashlib.sha256(f"{OPUS_BITRATE_KBPS}:{WORDS_PER_MINUTE}:{text}".encode()).hexdigest()


def tools_available() -> bool:
    return bool(shutil.which("espeak-ng") and shutil.which("opusenc"))


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
        return Speech(data=opus.read_bytes(), seconds=seconds)


def audio_name(module_id: int, digest: str) -> str:
    """A new name for each text: a cached old file is never served for a changed text."""
    return f"orientation/audio/module-{module_id}-{digest[:12]}.opus"
