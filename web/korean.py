"""Korean particles that agree with the word before them, whatever it is written in.

A particle pair (와/과, 을/를, 이/가, 은/는, 로/으로 …) takes its form from the last *sound* of the word it
follows: a syllable with a final consonant (받침) takes 과, 을, 이, 은, 으로; one without takes 와, 를,
가, 는, 로 (and 로 follows ㄹ too). Titles are often not Hangul, so the last sound is found the way a
reader says it:

* Hangul: the last syllable's final consonant;
* digits: the number read in Sino-Korean (2018 → 이천십팔, ends in ㄹ; 10 → 십, ㅂ; 3 → 삼, ㅁ);
* an acronym spelled out (CNN → 씨엔엔, ㄴ; RL4RWS → …에스, no final; VQA → 에이);
* an English word as Korean writes it (Net → 넷, Python → 파이썬, Keras → 케라스, table → 테이블, Tensor → 텐서);
* a closing parenthesis or quote is skipped (the particle agrees with the word before ``(시즌3)`` only
  when nothing else is left), and so are punctuation and emoji.

>>> [with_particle(w, "와") for w in ("U-Net", "강화학습", "PyTorch", "CNN", "2018", "Segmentation")]
['U-Net과', '강화학습과', 'PyTorch와', 'CNN과', '2018과', 'Segmentation과']
"""
from __future__ import annotations

import re

__all__ = ["PARTICLES", "final_sound", "particle", "with_particle"]

#: vowel form → (after a final consonant, after a vowel, after ㄹ)
PARTICLES: dict[str, tuple[str, str, str]] = {
    "와": ("과", "와", "과"), "과": ("과", "와", "과"),
    "를": ("을", "를", "을"), "을": ("을", "를", "을"),
    "가": ("이", "가", "이"), "이": ("이", "가", "이"),
    "는": ("은", "는", "은"), "은": ("은", "는", "은"),
    "로": ("으로", "로", "로"), "으로": ("으로", "로", "로"),
    "라는": ("이라는", "라는", "이라는"), "이라는": ("이라는", "라는", "이라는"),
    "랑": ("이랑", "랑", "이랑"), "이랑": ("이랑", "랑", "이랑"),
}
NONE, LIQUID, CONSONANT = "", "ㄹ", "C"

_JONG_LIQUID = 8  # ㄹ among the 28 final-consonant slots
_DIGIT = {"0": "ㅇ", "1": LIQUID, "2": NONE, "3": "ㅁ", "4": NONE, "5": NONE, "6": "ㄱ", "7": LIQUID, "8": LIQUID,
          "9": NONE}
#: how a spelled-out letter ends: 엘, 알 in ㄹ; 엠, 엔 in a consonant; the rest (에이, 비, 씨 …) in a vowel
_LETTER = {"l": LIQUID, "r": LIQUID, "m": "ㅁ", "n": "ㄴ"}
_TRAILING = re.compile(r"[\s\W_]+$")
_PARENTHESIS = re.compile(r"\s*[(\[（［][^()\[\]（）［］]*[)\]）］]\s*$")
_LAST_RUN = re.compile(r"([0-9][0-9,]*(?:\.[0-9]+)?|[A-Za-z]+|[\uac00-\ud7a3]|.)$")
_VOWELS = set("aeiouy")


def final_sound(word: str) -> str:
    """How ``word`` ends when read aloud: ``""`` (a vowel), ``"ㄹ"``, or another final consonant."""
    text = word.strip()
    while True:
        stripped = _PARENTHESIS.sub("", text)
        if stripped == text or not stripped.strip():
            break
        text = stripped
    text = _TRAILING.sub("", text)
    match = _LAST_RUN.search(text)
    if not match:
        return NONE
    run = match.group(1)
    if "\uac00" <= run <= "\ud7a3":
        jong = (ord(run) - 0xAC00) % 28
        return NONE if jong == 0 else LIQUID if jong == _JONG_LIQUID else CONSONANT
    if run[0].isdigit():
        return _number(run)
    if run.isascii() and run.isalpha():
        return _latin(run)
    return NONE


def _number(run: str) -> str:
    """The last sound of a number read in Sino-Korean (일, 이, 삼 … 십, 백, 천, 만, 억)."""
    whole, _, fraction = run.replace(",", "").partition(".")
    if fraction:
        return _DIGIT[fraction[-1]]  # 2.0: 이 점 영
    value = int(whole or "0")
    if value == 0:
        return "ㅇ"  # 영
    for unit, sound in ((10, None), (100, "ㅂ"), (1000, "ㄱ"), (10_000, "ㄴ"), (10**8, "ㄴ"), (10**12, "ㄱ")):
        if value % unit:
            return _DIGIT[str(value % 10)] if sound is None else sound  # 일…구, then 십, 백, 천, 만
    return NONE  # 조


def _latin(word: str) -> str:
    """The last sound of a Latin word: spelled out when it is an acronym, else as Korean writes it."""
    if word.isupper() and (len(word) <= 3 or not _VOWELS & set(word.lower())):
        return _LETTER.get(word[-1].lower(), NONE)
    w = word.lower()
    if len(w) == 1:
        return _LETTER.get(w, NONE)
    if w.endswith("ng"):
        return "ㅇ"
    if w[-1] in "mn":
        return CONSONANT
    if w[-1] == "l" or w.endswith("le") and len(w) > 2 and w[-3] not in _VOWELS:
        return LIQUID  # model 모델, table 테이블
    if w.endswith(("ne", "me")) and len(w) > 3:
        return CONSONANT  # line 라인, game 게임
    if w.endswith("ype"):
        return CONSONANT  # type 타입
    if w[-1] in "bp" and len(w) > 2 and w[-2] in _VOWELS:
        return CONSONANT  # lab 랩, web 웹, app 앱, deep 딥
    if w[-1] in "kc" and len(w) > 2 and (w[-2] in _VOWELS or w.endswith("ck")) and not w.endswith("eck"):
        return CONSONANT  # book 북, stack 스택, block 블록 (check 체크)
    if w[-1] == "t" and len(w) > 2 and w[-2] in _VOWELS and (w[-3] not in _VOWELS or w.endswith("out")):
        return CONSONANT  # net 넷, robot 로봇, chat 챗, layout 레이아웃 (but light 라이트, test 테스트)
    return NONE  # Keras 케라스, PyTorch 파이토치, tensor 텐서, cloud 클라우드


def particle(word: str, vowel_form: str) -> str:
    """The form of the particle named by ``vowel_form`` (와, 를, 가, 는, 로 …) that follows ``word``."""
    after_consonant, after_vowel, after_liquid = PARTICLES[vowel_form]
    sound = final_sound(word)
    return after_vowel if sound == NONE else after_liquid if sound == LIQUID else after_consonant


def with_particle(word: str, vowel_form: str) -> str:
    return word + particle(word, vowel_form)
